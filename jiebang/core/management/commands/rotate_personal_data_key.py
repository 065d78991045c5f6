"""Re-encrypt every personal-data value under the current key; optionally re-index.

    PERSONAL_DATA_KEYS="v2:<new>,v1:<old>"  manage.py rotate_personal_data_key
    manage.py rotate_personal_data_key --check     # counts per key id; fails if any is old
    manage.py rotate_personal_data_key --reindex   # after changing BLIND_INDEX_KEY

Every EncryptedCharField of every model is found by introspection. Rows are read in primary-
key order, `--batch-size` at a time, each batch in one transaction with its rows locked, and
only values sealed under another key than the current one are rewritten: running it again
changes nothing. Once `--check` reports every value under the current key, the older keys
can be removed from PERSONAL_DATA_KEYS (docs/security.md "Personal data").
"""

from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ExpressionWrapper, F, TextField

from jiebang.core import crypto
from jiebang.core.fields import EncryptedCharField

# Blind-index columns and the encrypted field each is computed from (crypto.blind_index).
BLIND_INDEXES = [
    ("orgs.User", "mobile", "mobile_index"),
    ("orgs.Person", "id_number", "id_index"),
]


def encrypted_fields():
    """(model, field) for every EncryptedCharField of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                yield model, field


def _raw(model, field):
    """Rows with the stored token (not decrypted) as `_token`."""
    return model._base_manager.annotate(
        _token=ExpressionWrapper(F(field.attname), output_field=TextField())
    )


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


class Command(BaseCommand):
    help = (
        "Re-encrypt every EncryptedCharField value under the current personal-data key "
        "(first of PERSONAL_DATA_KEYS); --reindex recomputes the blind indexes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count the values per key id; fail if any is not under the current key",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="also recompute the blind indexes under BLIND_INDEX_KEY (after rotating it)",
        )

    def handle(self, *args, batch_size, check, reindex, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        current = crypto.current_key_id()
        if check:
            self._check(current)
            return
        self.stdout.write(f"当前密钥：{current}")
        total = 0
        for model, field in encrypted_fields():
            rotated, kept = self._rotate(model, field, current, batch_size)
            total += rotated
            self.stdout.write(
                f"{_label(model, field)}：重新加密 {rotated} 条，已是 {current} 的 {kept} 条"
            )
        self.stdout.write(f"共重新加密 {total} 条。")
        if reindex:
            for label, source, index in BLIND_INDEXES:
                count = self._reindex(apps.get_model(label), source, index, batch_size)
                self.stdout.write(f"{label}.{index}：重新计算盲索引 {count} 条")

    def _check(self, current):
        stale = 0
        for model, field in encrypted_fields():
            ids = Counter(
                crypto.key_id_of(token)
                for token in _raw(model, field)
                .exclude(**{field.attname: ""})
                .values_list("_token", flat=True)
                .iterator(chunk_size=2000)
            )
            stale += sum(n for key_id, n in ids.items() if key_id != current)
            counts = "，".join(f"{k} {n} 条" for k, n in sorted(ids.items())) or "无数据"
            self.stdout.write(f"{_label(model, field)}：{counts}")
        if stale:
            raise CommandError(f"仍有 {stale} 条个人信息不是用当前密钥 {current} 加密的。")
        self.stdout.write(f"全部个人信息均已用当前密钥 {current} 加密。")

    def _rotate(self, model, field, current, batch_size) -> tuple[int, int]:
        name = field.attname
        pending = (
            _raw(model, field)
            .exclude(**{name: ""})
            .exclude(**{f"{name}__startswith": f"{current}:"})
        )
        rotated, last_pk = 0, None
        while True:
            with transaction.atomic():
                batch = pending.select_for_update().order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", "_token")[:batch_size])
                if not rows:
                    break
                for pk, token in rows:
                    try:
                        plaintext = crypto.decrypt(token)
                    except (crypto.InvalidTag, ValueError) as error:
                        raise CommandError(
                            f"{_label(model, field)} #{pk}: cannot decrypt ({error}); "
                            "is its key still in PERSONAL_DATA_KEYS?"
                        ) from error
                    # update() seals the value again through the field: under `current`.
                    model._base_manager.filter(pk=pk).update(**{name: plaintext})
                rotated += len(rows)
                last_pk = rows[-1][0]
        kept = (
            _raw(model, field)
            .exclude(**{name: ""})
            .filter(**{f"{name}__startswith": f"{current}:"})
        ).count() - rotated
        return rotated, kept

    def _reindex(self, model, source, index, batch_size) -> int:
        count, last_pk = 0, None
        while True:
            with transaction.atomic():
                batch = model._base_manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", source)[:batch_size])
                if not rows:
                    break
                for pk, plaintext in rows:
                    digest = crypto.blind_index(plaintext) if plaintext else None
                    if digest is None and not model._meta.get_field(index).null:
                        digest = ""
                    model._base_manager.filter(pk=pk).update(**{index: digest})
                count += len(rows)
                last_pk = rows[-1][0]
        return count
