"""A per-session memo for work too heavy to redo on every widget change."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import streamlit as st

T = TypeVar("T")


def remembered(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per session while `key` stays the same; reruns reuse the result.

    For per-person work too heavy to redo on every widget change (checking an uploaded
    file); exceptions are not remembered.
    """
    held = st.session_state.get(name)
    if held is not None and held[0] == key:
        return cast(T, held[1])
    value = compute()
    st.session_state[name] = (key, value)
    return value
