"""Translation and locale formatting of user-facing text.

Every label passes through `gettext`; catalogs live in locales/<lang>/LC_MESSAGES (English is
the source language, Norwegian Bokmål and Dutch are translated). `N_` marks a string for
extraction where it is defined, and it is translated where it is shown.

The language belongs to whoever is reading: the app registers a `language source` that reads
it from the Streamlit session, so a fragment that reruns on its own (the live map, every
half second) speaks the session's language too. Where no source answers (the command line,
tests), the language set on the current thread is used.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "assetmap"
DEFAULT_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {"en": "English", "nb": "Norsk bokmål", "nl": "Nederlands"}
"""Each language in its own name, as a picker shows it."""
_LOCALES = {"en": "en_GB", "nb": "nb_NO", "nl": "nl_NL"}

_current = threading.local()
_sources: list[Callable[[], str | None]] = []


@lru_cache(maxsize=8)
def _catalog(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """The language on this thread, for callers that have no session (the CLI, tests)."""
    _current.language = language if language in LANGUAGES else DEFAULT_LANGUAGE


def use_language_source(source: Callable[[], str | None]) -> None:
    """Ask `source` first for the current language (None: it does not know here)."""
    if source not in _sources:
        _sources.append(source)


def language() -> str:
    for source in _sources:
        chosen = source()
        if chosen in LANGUAGES:
            return chosen
    return getattr(_current, "language", DEFAULT_LANGUAGE)


def gettext(message: str) -> str:
    """Translate `message` into the current language (English when no catalog has it)."""
    return _catalog(language()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for translation without translating it yet."""
    return message


def format_number(value: float, decimals: int = 1) -> str:
    """A number as people write it in the current language (1 234,5 in Norwegian)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[language()])


def format_share(value: float) -> str:
    """A share from 0 to 1 as a percentage (87 %, 87%)."""
    return format_percent(value, locale=_LOCALES[language()])


_ = gettext
