"""Settings declared once, stored as TOML the CLI and the GUI share."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from shopbuilder.core import settings
from shopbuilder.core.errors import ValidationError


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "cfg" / "settings.toml"
    monkeypatch.setenv(settings.CONFIG_ENV, str(target))
    return target


def test_defaults_without_a_file(path: Path) -> None:
    values = settings.load()
    assert values["time_zone"] == "Asia/Shanghai"
    assert values["image_quality"] == 85 and values["language"] == ""


def test_round_trip_through_toml(path: Path) -> None:
    settings.set_value("language", "zh_CN")
    settings.set_value("poster_font", 'C:\\Fonts\\"思源".otf')
    assert tomllib.loads(path.read_text(encoding="utf-8"))["language"] == "zh_CN"
    values = settings.load()
    assert values["poster_font"] == 'C:\\Fonts\\"思源".otf'
    assert values["language"] == "zh_CN"


def test_bad_values_name_the_setting(path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        settings.set_value("image_quality", 101)
    assert info.value.path == "image_quality"
    with pytest.raises(ValidationError):
        settings.set_value("time_zone", "Mars/Olympus")
    with pytest.raises(ValidationError):
        settings.set_value("language", "fr")
    assert not path.exists()


def test_a_broken_file_falls_back_to_defaults(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('image_quality = "lots"\nlanguage = [', encoding="utf-8")
    assert settings.load()["image_quality"] == 85
    path.write_text('image_quality = 10\nlanguage = "en"\n', encoding="utf-8")
    values = settings.load()
    assert values["image_quality"] == 85 and values["language"] == "en"


def test_the_cli_reads_and_writes_the_same_file(path: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    from shopbuilder.cli import main

    assert main(["settings", "set", "time_zone", "Europe/Paris"]) == 0
    assert settings.load()["time_zone"] == "Europe/Paris"
    assert main(["settings", "set", "image_quality", "5"]) == 1
    assert "image_quality" in capsys.readouterr().err
    assert main(["settings", "get", "time_zone", "--json"]) == 0
    assert '"Europe/Paris"' in capsys.readouterr().out
    assert main(["settings", "set", "language"]) == 2
