"""Encryption at rest and blind indexes for personal data.

Values are sealed with AES-256-GCM and matched across units by an HMAC-SM3 blind index
under BLIND_INDEX_KEY, so equality search never needs decryption.

Keys rotate: PERSONAL_DATA_KEYS lists "id:base64key" pairs, the first encrypting, all
decrypting. Each token starts with the id of the key that sealed it ("v2:…"), and the id is
authenticated (GCM associated data), so decrypt picks the key by the prefix and a token
cannot be moved to another key. The older single PERSONAL_DATA_KEY is key id "v1".
`manage.py rotate_personal_data_key` re-encrypts every stored value under the current key,
after which the older keys can be removed (docs/security.md "Personal data").
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

KEY_ID = "v1"  # the id of the single PERSONAL_DATA_KEY (and of the development key)
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,16}")


class UnknownKeyError(InvalidTag):
    """A token sealed under a key id that is not configured (any more)."""


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiebang", info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip())
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"{name} is not valid base64") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes, not {len(key)}")
    return key


@functools.cache
def data_keys() -> dict[str, bytes]:
    """Key id → key, the current (encrypting) key first."""
    keys: dict[str, bytes] = {}
    for item in settings.PERSONAL_DATA_KEYS:
        key_id, sep, text = item.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
            raise ImproperlyConfigured(
                'PERSONAL_DATA_KEYS entries are "id:base64key" (id: letters, digits, _ or -)'
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"PERSONAL_DATA_KEYS lists key id {key_id!r} twice")
        keys[key_id] = _decode_key(text, f"PERSONAL_DATA_KEYS[{key_id}]")
    if settings.PERSONAL_DATA_KEY:
        legacy = _decode_key(settings.PERSONAL_DATA_KEY, "PERSONAL_DATA_KEY")
        if keys.get(KEY_ID, legacy) != legacy:
            raise ImproperlyConfigured(
                "PERSONAL_DATA_KEY and the v1 entry of PERSONAL_DATA_KEYS differ"
            )
        keys.setdefault(KEY_ID, legacy)
    if not keys:
        keys[KEY_ID] = _derive(b"personal-data")  # development only (check --deploy warns)
    return keys


def current_key_id() -> str:
    return next(iter(data_keys()))


@functools.cache
def index_key() -> bytes:
    configured = settings.BLIND_INDEX_KEY
    return _decode_key(configured, "BLIND_INDEX_KEY") if configured else _derive(b"blind-index")


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in ("PERSONAL_DATA_KEYS", "PERSONAL_DATA_KEY", "BLIND_INDEX_KEY", "SECRET_KEY"):
        data_keys.cache_clear()
        index_key.cache_clear()


def key_id_of(token: str) -> str:
    return token.partition(":")[0] if token else ""


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    key_id = current_key_id()
    nonce = os.urandom(12)
    sealed = AESGCM(data_keys()[key_id]).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{key_id}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, _, body = token.partition(":")
    key = data_keys().get(key_id)
    if key is None:
        raise UnknownKeyError(f"no personal-data key with id {key_id!r} is configured")
    raw = base64.urlsafe_b64decode(body)
    return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed digest of a normalised value (HMAC-SM3, hex)."""
    if not value:
        return ""
    normalised = value.strip().upper().encode()
    return hmac.new(index_key(), normalised, lambda: hashlib.new("sm3")).hexdigest()


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
