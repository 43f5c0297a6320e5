"""Bounded memos: pure results remembered by key, all forgotten at once when full.

The temporal layer's inputs are unbounded (digit strings, words, windows of a
page), so each memo is a plain dict whose callers look up hits inline (the hot
path) and store misses here, which empties the dict when it reaches its limit.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` (emptying ``memo`` first if it holds ``limit``)."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
