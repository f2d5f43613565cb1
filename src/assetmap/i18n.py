"""Translation and locale formatting of user-facing text.

Every label passes through `gettext`; catalogs live in locales/<lang>/LC_MESSAGES (English is
the source language, Norwegian Bokmål and Dutch are translated). `N_` marks a string for
extraction where it is defined, and it is translated where it is shown. The language is
per thread: each Streamlit session runs its script on its own thread and sets its language
at the start of every run.
"""

from __future__ import annotations

import gettext as _gettext
import threading
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


@lru_cache(maxsize=8)
def _catalog(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    _current.language = language if language in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
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
