"""Encryption at rest for secrets stored in tenant schemas (merchant keys, app secrets).

Fernet (AES-128-CBC + HMAC) with a key ring: the first key encrypts, every key decrypts, so keys can be
rotated by prepending a new one to FIELD_ENCRYPTION_KEYS and re-saving.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionFailed(Exception):
    pass


@lru_cache(maxsize=8)
def _ring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("no field encryption keys configured")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plaintext: str, *, keys: tuple[str, ...]) -> str:
    return _ring(keys).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, keys: tuple[str, ...]) -> str:
    try:
        return _ring(keys).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionFailed("the value was encrypted with a key that is not configured") from None


def mask(secret: str, *, visible: int = 4) -> str:
    """For write-only fields in the console: '••••••••abcd'."""
    if len(secret) <= visible:
        return "•" * len(secret)
    return "•" * 8 + secret[-visible:]
