"""SMS sending behind one small interface. The default backend only logs (with the number
masked); a deployment plugs in its provider's gateway by setting SMS_BACKEND."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from jiebang.core.masking import mask_phone

logger = logging.getLogger("jiebang.sms")


class SmsBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(mobile), text)


class MemorySmsBackend(SmsBackend):
    """Keeps messages in memory (tests and local demos)."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.outbox.append((mobile, text))


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
