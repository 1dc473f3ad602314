"""Translations through gettext, shared by the core, the CLI and the GUI.

`_()` translates now; `N_()` marks a string for extraction where it is declared
(rule tables, settings) and is translated where it is shown.
"""

from __future__ import annotations

import gettext
import locale
import os

from shopbuilder.resources_path import resource_path

DOMAIN = "shopbuilder"
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language() -> str:
    """The user's language: SHOPBUILDER_LANG, then the usual locale variables."""
    for var in ("SHOPBUILDER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return value.split(":")[0].split(".")[0]
    lang, _enc = locale.getlocale()
    return lang or "en"


def set_language(lang: str | None = None) -> str:
    """Switch the process to `lang` (e.g. "zh_CN", "en"); returns the language used."""
    global _translation, _language
    lang = lang or detect_language()
    _language = lang
    localedir = resource_path("locale")
    _translation = gettext.translation(
        DOMAIN, localedir=str(localedir), languages=[lang], fallback=True
    )
    return lang


def current_language() -> str:
    """The language last chosen with `set_language` (schemas pick their Chinese titles)."""
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    return message
