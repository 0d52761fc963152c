"""ALLOWED_HOSTS for production: the platform domain, its subdomains and verified custom domains."""

from __future__ import annotations

from collections.abc import Iterator


class VerifiedHosts(list):
    """A list of static host patterns that also yields the verified custom domains when iterated, so
    Django's host validation accepts a merchant's own domain as soon as it is verified, and nothing else."""

    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()
        from .selectors import verified_custom_domains

        yield from verified_custom_domains()
