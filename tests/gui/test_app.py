"""Start-up (window first, workspace from a worker, demo on first start) and settings."""

from __future__ import annotations

from pathlib import Path

from shopbuilder.core import settings
from shopbuilder.gui import app as gui_app
from shopbuilder.gui.settings_dialog import SettingsDialog


def test_first_start_shows_the_window_then_the_demo_shop(qtbot: object, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _app, window = gui_app.launch(url, "en", ["shopbuilder"])
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.isVisible() and window.current_slug() == ""
    with qtbot.waitSignal(window.sig_workspace_ready, timeout=60000):  # type: ignore[attr-defined]
        pass
    assert window.current_slug() == "demo"
    assert window.section_widget("brand") is not None
    window.workspace.close()


def test_a_workspace_that_cannot_open_says_so_where_it_said_opening(qtbot: object,
                                                                  tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_bytes(b"this is not a SQLite file" * 100)
    _app, window = gui_app.launch(f"sqlite:///{tmp_path / 'not-a-db'}", "en", ["shopbuilder"])
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.statusBar().currentMessage() == "Opening the workspace…"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()  # type: ignore[attr-defined]
                    == "Cannot open the workspace", timeout=60000)
    assert window.workspace is None


def test_data_location_setting_picks_the_database(tmp_path: Path,
                                                  monkeypatch: object) -> None:
    monkeypatch.delenv("SHOPBUILDER_DB", raising=False)  # type: ignore[attr-defined]
    assert gui_app.database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert gui_app.database_url(None) is None
    settings.set_value("data_location", str(tmp_path / "data"))
    assert gui_app.database_url(None) == f"sqlite:///{tmp_path / 'data' / 'workspace.db'}"


def test_settings_dialog_saves_and_shows_errors(qtbot: object) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.editors["time_zone"].setText("Mars/Base")
    dialog.save()
    assert "Default time zone" in dialog.error.text()
    assert settings.load()["time_zone"] == "Asia/Shanghai"
    dialog.editors["time_zone"].setText("Europe/Berlin")
    dialog.editors["image_quality"].setValue(70)
    combo = dialog.editors["language"]
    combo.setCurrentIndex(combo.findData("zh_CN"))
    dialog.save()
    values = settings.load()
    assert (values["time_zone"], values["image_quality"], values["language"]) == (
        "Europe/Berlin", 70, "zh_CN")


def test_poster_font_setting_reaches_the_poster_renderer(tmp_path: Path,
                                                         monkeypatch: object) -> None:
    monkeypatch.delenv("SHOPBUILDER_POSTER_FONT", raising=False)  # type: ignore[attr-defined]
    import os

    settings.set_value("poster_font", str(tmp_path / "brand.ttf"))
    gui_app.apply_settings_env()
    assert os.environ["SHOPBUILDER_POSTER_FONT"] == str(tmp_path / "brand.ttf")
    settings.set_value("poster_font", "")
    gui_app.apply_settings_env()
    assert "SHOPBUILDER_POSTER_FONT" not in os.environ
    monkeypatch.setenv("SHOPBUILDER_POSTER_FONT", "/mine.ttf")  # type: ignore[attr-defined]
    settings.set_value("poster_font", str(tmp_path / "other.ttf"))
    gui_app.apply_settings_env()
    assert os.environ["SHOPBUILDER_POSTER_FONT"] == "/mine.ttf", "the user's own export wins"
