"""The Catalog section speaks Chinese through the app's one catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopbuilder import i18n


@pytest.fixture
def chinese() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(before)


def test_the_section_speaks_chinese(chinese: None) -> None:
    # texts that lived in a catalogue of the section's own before being merged
    assert i18n._("Bulk fill") == "批量填充"
    assert i18n.ngettext("Not saved: {n} problem. {first}",
                         "Not saved: {n} problems. {first}", 2) == "未保存：{n} 个问题。{first}"
    assert i18n._("not in any catalogue") == "not in any catalogue"
