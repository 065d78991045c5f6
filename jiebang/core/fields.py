from django.db import models

from jiebang.core import crypto


class EncryptedCharField(models.TextField):
    """Personal data sealed at rest (AES-256-GCM); plaintext only in memory after loading.

    Pair it with a blind-index column for equality search and a masked column for display.
    """

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else ""
