"""The Catalog section's zh_CN texts (``i18n_zh_CN.po`` beside this file) behind the
app's catalogue: until they are merged into
``resources/locale/zh_CN/LC_MESSAGES/shopbuilder.po``, the section still speaks Chinese.
A message the app's catalogue really translates (not left equal to the English) wins.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from shopbuilder import i18n

PO_FILES = {"zh_CN": Path(__file__).with_name("i18n_zh_CN.po")}


class _Merged(gettext.NullTranslations):
    def __init__(self, primary: gettext.NullTranslations,
                 ours: gettext.NullTranslations) -> None:
        super().__init__()
        self.primary, self.ours = primary, ours

    def gettext(self, message: str) -> str:
        text = self.primary.gettext(message)
        return self.ours.gettext(message) if text == message else text

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        text = self.primary.ngettext(msgid1, msgid2, n)
        if text in (msgid1, msgid2):
            return self.ours.ngettext(msgid1, msgid2, n)
        return text


def install() -> None:
    """Merge our texts into the current translation (again after each `set_language`)."""
    lang = i18n.current_language().split(".")[0]
    po = PO_FILES.get(lang)
    if po is None or not po.exists() or isinstance(i18n._translation, _Merged):
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    i18n._translation = _Merged(i18n._translation, gettext.GNUTranslations(buf))
