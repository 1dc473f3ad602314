"""The translations are complete and compiled: every message of the source has a
zh_CN translation, and the .mo files match their .po files."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from shopbuilder.i18n import _, set_language

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "i18n.py"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_chinese_translation() -> None:
    script = load_script()
    missing = script.missing("zh_CN")
    assert missing == [], f"untranslated (run scripts/i18n.py update, translate): {missing[:10]}"


def test_compiled_catalogues_are_fresh() -> None:
    assert load_script().stale() == [], "run: python scripts/i18n.py compile"


def test_translations_keep_their_placeholders() -> None:
    script = load_script()
    placeholder = re.compile(r"\{[^{}]*\}")
    for message in script.read("zh_CN"):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(placeholder.findall(source)) == sorted(placeholder.findall(target)), source


def test_switching_language() -> None:
    try:
        assert set_language("zh_CN") == "zh_CN"
        assert _("Brand") == "品牌"
        set_language("en")
        assert _("Brand") == "Brand"
    finally:
        set_language("en")
