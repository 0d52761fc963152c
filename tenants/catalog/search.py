"""A small tokeniser for product search that copes with Chinese: latin words and numbers lower-cased,
CJK runs as single characters plus overlapping pairs. Products store their tokens (GIN-indexed array);
a query matches products holding every token of the query (``search_tokens @> query_tokens``)."""

from __future__ import annotations

import re

_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_TOKEN = 40


def tokenize(text: str) -> list[str]:
    tokens: set[str] = set()
    for run in _RUNS.findall((text or "").lower()):
        if _CJK.match(run):
            tokens.update(run)
            tokens.update(run[i:i + 2] for i in range(len(run) - 1))
        else:
            tokens.add(run[:MAX_TOKEN])
    return sorted(tokens)


def query_tokens(query: str) -> list[str]:
    """For a query, pairs suffice where there are pairs (a lone character matches too much)."""
    tokens = []
    for run in _RUNS.findall((query or "").lower()):
        if _CJK.match(run):
            tokens += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            tokens.append(run[:MAX_TOKEN])
    return sorted(set(tokens))
