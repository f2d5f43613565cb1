"""The base of every error a user can meet.

Each error that reaches a person (on a page or on the command line) derives from
`AssetmapError` and carries `message`: what went wrong and what to do instead, already in the
person's language. The edges catch `AssetmapError` once and show `message`; anything else is a
bug and keeps its traceback.

A subclass may also derive from a built-in exception (`ValueError`, `LookupError`, ...) where
callers rely on that; `AssetmapError` comes first among the bases so that its `__init__` runs.

This module imports nothing from the package: every layer may import it.
"""

from __future__ import annotations


class AssetmapError(Exception):
    """An error with a message for the person who met it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
