"""Every text of the Catalog section has its Chinese translation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from shopbuilder import i18n
from shopbuilder.gui.catalog import i18n_fallback

HERE = Path(i18n_fallback.__file__).parent


@pytest.fixture
def chinese() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def test_every_message_is_translated() -> None:
    with i18n_fallback.PO_FILES["zh_CN"].open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    for _file, _line, message, _c, _ctx in extract_from_dir(
            str(HERE), method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        assert entry is not None and entry.string and all(entry.string), msgid


def test_the_section_speaks_chinese(chinese: None) -> None:
    import gettext

    # with an app catalogue that knows none of our texts, ours are used … (the
    # `chinese` fixture puts the real language back afterwards)
    i18n._translation = gettext.NullTranslations()
    i18n_fallback.install()
    assert i18n._("Bulk fill") == "批量填充"
    assert i18n.ngettext("Not saved: {n} problem. {first}",
                         "Not saved: {n} problems. {first}", 2) == "未保存：有 {n} 个问题。{first}"
    assert i18n._("not in any catalogue") == "not in any catalogue"
    # … and with the real one, whichever translates, the screen is Chinese
    i18n.set_language("zh_CN")
    i18n_fallback.install()
    assert "未保存" in i18n.ngettext("Not saved: {n} problem. {first}",
                                   "Not saved: {n} problems. {first}", 2)
