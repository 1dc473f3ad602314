"""The Publish section against a real receiver on 127.0.0.1: targets, publish with
progress, preview, cancel and resume, rollback, and refusals shown where the user looks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shopbuilder.core.services.shops import rename_shop
from shopbuilder.gui import dialogs
from shopbuilder.gui.publish import HistoryModel, PublishSection
from shopbuilder.gui.sections import SectionContext
from shopbuilder.publish.storage import Store
from shopbuilder.publish.tokens import SERVICE
from tests.publish.conftest import ALL_TOKEN, FileKeyring, Receiver
from tests.publish.conftest import receiver as receiver
from tests.publish.conftest import test_keyring as test_keyring


def make(qtbot: Any, ctx: SectionContext) -> PublishSection:
    section = PublishSection(ctx)
    qtbot.addWidget(section)
    section.show()
    return section


def add_target(section: PublishSection, name: str, url: str, token: str) -> None:
    dialog = section.add_target()
    dialog.name.setText(name)
    dialog.url.setText(url)
    dialog.token.setText(token)
    assert dialog.save(), dialog.general.text()


def run(qtbot: Any, section: PublishSection, start: Any) -> None:
    task = start()
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=60000)


def test_history_model(qtmodeltester: Any) -> None:
    model = HistoryModel()
    model.load([
        {"version": 2, "local_time": "2026-12-06T09:10:11+08:00", "target": "prod",
         "action": "publish", "result": "ok", "message": "", "sha256": "ab" * 32},
        {"version": None, "local_time": "2026-12-06T09:00:00+08:00", "target": "prod",
         "action": "publish", "result": "failed", "message": "Busy", "sha256": ""},
    ])
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 6
    assert model.index(0, 0).data() == "2026-12-06 09:10"
    assert model.index(0, 3).data() == "2" and model.index(1, 3).data() == ""
    assert model.index(1, 5).data() == "Busy"


def test_a_bad_target_is_explained_beside_its_fields_and_nothing_is_saved(
        qtbot: Any, section_ctx: SectionContext, test_keyring: FileKeyring) -> None:
    section = make(qtbot, section_ctx)
    dialog = section.add_target()
    dialog.name.setText("bad name!")
    dialog.url.setText("http://bundles.example.com")  # plain http off this machine
    dialog.token.setText("secret-token-1")
    assert not dialog.save() and dialog.isVisible()
    assert dialog.fields["name"].error.isVisibleTo(dialog)
    assert "https" in dialog.fields["url"].error.text()
    dialog.name.setText("prod")
    dialog.url.setText("https://bundles.example.com")
    dialog.token.setText("pasted\u2013token")  # a typographic dash cannot travel
    assert not dialog.save()
    assert "ASCII" in dialog.general.text() and "pasted" not in dialog.general.text()
    assert section.target.count() == 0 and not test_keyring.path.exists()
    assert not section.publish_button.isEnabled()


def test_a_target_name_in_use_is_refused_and_a_closed_dialog_keeps_no_token(
        qtbot: Any, section_ctx: SectionContext, receiver: Receiver,
        test_keyring: FileKeyring) -> None:
    from PySide6.QtWidgets import QApplication

    from shopbuilder.gui.publish import TargetDialog

    section = make(qtbot, section_ctx)
    add_target(section, "prod", receiver.url, ALL_TOKEN)
    dialog = section.add_target()
    dialog.name.setText("prod")  # saving would replace prod's address and token
    dialog.url.setText("https://other.example.com")
    dialog.token.setText("other-token-123")
    assert not dialog.save()
    assert "already" in dialog.fields["name"].error.text()
    assert test_keyring.get_password(SERVICE, f"prod {receiver.url}") == ALL_TOKEN
    dialog.reject()  # Cancel
    assert dialog.token.text() == ""
    QApplication.sendPostedEvents(None, 0)  # deleteLater runs
    assert not [w for w in section.findChildren(TargetDialog)]


def test_publish_preview_change_and_roll_back(qtbot: Any, section_ctx: SectionContext,
                                              receiver: Receiver,
                                              test_keyring: FileKeyring) -> None:
    section = make(qtbot, section_ctx)
    add_target(section, "prod", receiver.url, ALL_TOKEN)
    assert section.target_name() == "prod" and section.publish_button.isEnabled()
    assert test_keyring.get_password(SERVICE, f"prod {receiver.url}") == ALL_TOKEN
    progress: list[tuple[int, int]] = []
    section.progress.valueChanged.connect(lambda v: progress.append((v, 0)))

    run(qtbot, section, section.publish)
    assert "Version 1 is live on prod" in section.stage.text(), section.stage.text()
    assert progress and max(v for v, _t in progress) == 1000  # the bar reached the end
    store = Store(receiver.root)
    assert store.active_number("demo") == 1
    assert section.history.rowCount() == 1 and section.history.row(0)["result"] == "ok"

    run(qtbot, section, section.preview)
    assert "already exactly this shop" in section.stage.text()
    with section_ctx.workspace.session() as s:
        rename_shop(s, "demo", name="Demo 新店名")
    run(qtbot, section, section.preview)
    assert "Changes against version 1" in section.stage.text()
    assert section.details.isVisibleTo(section) and section.details.toPlainText()
    run(qtbot, section, section.publish)
    assert store.active_number("demo") == 2

    section.table.selectRow(0)  # version 2: live already, nothing to roll back to
    assert section.rollback_choice() is None and not section.rollback_button.isEnabled()
    assert section.history.index(0, 4).data() == "done, live"
    section.table.selectRow(1)  # the first publish (newest first)
    assert section.rollback_choice() == ("prod", 1)
    dialogs.queue_answer(True)
    task = section.rollback()
    assert task is not None and not section.cancel_button.isVisibleTo(section)
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert store.active_number("demo") == 1
    assert "Version 1 is live on prod again" in section.stage.text()
    assert [r["action"] for r in section.history.rows] == ["rollback", "publish", "publish"]
    live = [section.history.is_live(r) for r in section.history.rows]
    assert live == [True, False, True]  # the rollback row and the publish of version 1


def test_cancel_then_publish_again_resumes(qtbot: Any, section_ctx: SectionContext,
                                           receiver: Receiver, test_keyring: FileKeyring,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from shopbuilder.publish import protocol

    monkeypatch.setattr(protocol, "DEFAULT_PART_SIZE", protocol.MIN_PART_SIZE)
    receiver.part_size = protocol.MIN_PART_SIZE  # many parts: cancel lands between two
    receiver.restart()
    section = make(qtbot, section_ctx)
    add_target(section, "prod", receiver.url, ALL_TOKEN)
    sent: list[int] = []
    section.progress.valueChanged.connect(
        lambda v: (sent.append(v), section.cancel()) if v > 0 and not sent else None)
    run(qtbot, section, section.publish)
    assert "cancelled" in section.stage.text().lower(), section.stage.text()
    assert Store(receiver.root).versions("demo") == []
    assert section.history.row(0)["result"] == "cancelled"
    held = receiver.app.stats["parts_stored"]
    assert held >= 1

    run(qtbot, section, section.publish)
    assert "Resumed" in section.stage.text(), section.stage.text()
    assert Store(receiver.root).active_number("demo") == 1


def test_a_refused_upload_is_explained(qtbot: Any, section_ctx: SectionContext,
                                       receiver: Receiver, test_keyring: FileKeyring) -> None:
    section = make(qtbot, section_ctx)
    add_target(section, "prod", receiver.url, "not-the-right-token")
    run(qtbot, section, section.publish)
    assert section.stage.text().startswith("Not published")
    title, text = dialogs.shown[-1]
    assert title == "Publishing failed" and "token" in text
    assert "not-the-right-token" not in text
    assert section.history.row(0)["result"] == "failed"
    assert section.publish_button.isEnabled()  # ready to try again


def test_removing_a_target_keeps_its_history(qtbot: Any, section_ctx: SectionContext,
                                             tmp_path: Path) -> None:
    section = make(qtbot, section_ctx)
    dialog = section.add_target()
    dialog.name.setText("shared")
    dialog.to_folder.setChecked(True)
    assert not dialog.fields["token"].isEnabled()
    dialog.folder.setText(str(tmp_path / "shared"))
    assert dialog.save()
    run(qtbot, section, section.publish)
    with section_ctx.workspace.session() as s:
        rename_shop(s, "demo", name="Demo 新店名")
    run(qtbot, section, section.publish)
    assert Store(tmp_path / "shared").active_number("demo") == 2
    section.table.selectRow(1)
    assert section.rollback_choice() == ("shared", 1)
    dialogs.queue_answer(True)
    section.remove_target()
    assert section.target.count() == 0 and section.history.rowCount() == 2
    section.table.selectRow(1)
    assert section.rollback_choice() is None  # its target is gone
    assert not section.rollback_button.isEnabled()
