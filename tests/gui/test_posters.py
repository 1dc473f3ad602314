"""The Posters section: preview off the GUI thread, batch with progress and cancel."""

from __future__ import annotations

from pathlib import Path

from shopbuilder.gui.posters import PostersSection
from shopbuilder.gui.sections import SectionContext


def make(qtbot: object, ctx: SectionContext) -> PostersSection:
    section = PostersSection(ctx)
    qtbot.addWidget(section)  # type: ignore[attr-defined]
    section.show()
    return section


def test_preview_renders_a_poster(qtbot: object, section_ctx: SectionContext) -> None:
    section = make(qtbot, section_ctx)
    assert section.template.count() > 0 and section.target.count() > 0
    task = section.render_preview()
    assert task is not None
    with qtbot.waitSignal(task.sig_finished, timeout=30000):  # type: ignore[attr-defined]
        pass
    assert task.error is None
    pixmap = section.preview.pixmap()
    assert not pixmap.isNull() and pixmap.width() == 300


def test_batch_generates_into_the_folder(qtbot: object, section_ctx: SectionContext,
                                         tmp_path: Path) -> None:
    section = make(qtbot, section_ctx)
    section.folder.setText(str(tmp_path / "posters"))
    section.with_campaigns.setChecked(False)
    task = section.generate()
    assert not section.generate_button.isEnabled()
    with qtbot.waitSignal(task.sig_finished, timeout=60000):  # type: ignore[attr-defined]
        pass
    assert section.batch_result is not None and section.batch_result.written
    assert len(list((tmp_path / "posters").iterdir())) == len(section.batch_result.written)
    assert "posters written" in section.batch_status.text()
    assert section.generate_button.isEnabled()
