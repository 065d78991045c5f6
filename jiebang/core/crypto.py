"""Encryption at rest and blind indexes for personal data.

Values are sealed with AES-256-GCM under PERSONAL_DATA_KEY and matched across units by an
HMAC-SM3 blind index under BLIND_INDEX_KEY, so equality search never needs decryption.
The stored token carries a key id ("v1:") so a rotation command can re-encrypt later.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_ID = "v1"


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiebang", info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


@functools.cache
def _data_key() -> bytes:
    configured = settings.PERSONAL_DATA_KEY
    return base64.urlsafe_b64decode(configured) if configured else _derive(b"personal-data")


@functools.cache
def _index_key() -> bytes:
    configured = settings.BLIND_INDEX_KEY
    return base64.urlsafe_b64decode(configured) if configured else _derive(b"blind-index")


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    sealed = AESGCM(_data_key()).encrypt(nonce, plaintext.encode(), KEY_ID.encode())
    return f"{KEY_ID}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, _, body = token.partition(":")
    raw = base64.urlsafe_b64decode(body)
    return AESGCM(_data_key()).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


def blind_index(value: str) -> str:
    """Deterministic keyed digest of a normalised value (HMAC-SM3, hex)."""
    if not value:
        return ""
    normalised = value.strip().upper().encode()
    return hmac.new(_index_key(), normalised, lambda: hashlib.new("sm3")).hexdigest()


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()
