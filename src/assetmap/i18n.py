"""Translation of user-facing text.

Every label passes through `gettext` from day one, so Norwegian and Dutch catalogs can
be added under locales/ without touching the callers. `N_` marks a string for
extraction where it is defined, and it is translated where it is shown.
"""

from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "assetmap"
DEFAULT_LANGUAGE = "en"

_language = DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def _catalog(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    global _language
    _language = language


def gettext(message: str) -> str:
    """Translate `message` into the current language (English when no catalog has it)."""
    return _catalog(_language).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for translation without translating it yet."""
    return message


_ = gettext
