"""kept_together: inside the block the kept entries it named come from its one read of the cache; what it did
not find (or was not asked for) is read from the cache as usual, and nothing outlives the block."""

from __future__ import annotations

from django.core.cache import cache

from core.cache import kept_get, kept_together


def test_entries_read_together_then_the_cache_again():
    cache.set("kept-a", 1)
    with kept_together("kept-a", "kept-b"):
        cache.set("kept-a", 2)
        assert kept_get("kept-a") == 1  # from the one read at the start
        assert kept_get("kept-b") is None
        cache.set("kept-b", 3)
        assert kept_get("kept-b") == 3  # a miss goes to the cache
        assert kept_get("kept-c") is None
    assert kept_get("kept-a") == 2
