"""The Export section: findings, export with progress, cancel, responsiveness."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer

from shopbuilder.core.findings import Finding, Severity
from shopbuilder.gui.export import ExportSection, FindingsModel, section_for
from shopbuilder.gui.sections import SectionContext


def make(qtbot: object, ctx: SectionContext, tmp_path: Path) -> ExportSection:
    section = ExportSection(ctx)
    qtbot.addWidget(section)  # type: ignore[attr-defined]
    section.show()
    qtbot.waitUntil(lambda: section.lint_task is not None and section.lint_task.done,  # type: ignore[attr-defined]
                    timeout=20000)
    section.path.setText(str(tmp_path / "out" / "demo.zip"))
    return section


def test_findings_model(qtmodeltester: object) -> None:
    model = FindingsModel()
    model.load([Finding("a", Severity.ERROR, "products[0].skus[1].price", "too low"),
                Finding("b", Severity.WARNING, "pages.home.components", "no licence"),
                Finding("c", Severity.WARNING, "coupons[0].value", "big")])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 2 and model.item(1).rowCount() == 2
    assert model.item(0).text() == "Errors (1)"
    assert section_for("products[3].title") == "catalog"
    assert section_for("pages.home.components") == "pages"
    assert section_for("group_buys[0].sku_prices.X") == "promotions"


def test_export_the_demo_shop_while_the_gui_stays_responsive(
        qtbot: object, section_ctx: SectionContext, tmp_path: Path) -> None:
    section = make(qtbot, section_ctx, tmp_path)
    if section.errors():  # the demo's 划线价 may trip the 7-day-low rule: export anyway
        assert not section.export_button.isEnabled()
        section.force.setChecked(True)
    assert section.export_button.isEnabled()
    import gc

    gc.collect()
    gc.freeze()  # as the app does after start-up: long-lived objects leave the GC's scans
    clock, gaps, last = QElapsedTimer(), [], [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    task = section.export()
    assert task is not None and not section.export_button.isEnabled()
    with qtbot.waitSignal(task.sig_finished, timeout=60000):  # type: ignore[attr-defined]
        pass
    timer.stop()
    gc.unfreeze()
    assert section.result is not None and section.result.written
    assert (tmp_path / "out" / "demo.zip").is_file()
    assert "Total" in section.report.text() and not section.show_button.isHidden()
    assert len(gaps) > 3 and max(gaps) < 200


def test_cancel_leaves_no_file(qtbot: object, section_ctx: SectionContext,
                               tmp_path: Path) -> None:
    section = make(qtbot, section_ctx, tmp_path)
    section.force.setChecked(True)
    task = section.export()
    assert task is not None
    task.cancel()
    with qtbot.waitSignal(task.sig_finished, timeout=60000):  # type: ignore[attr-defined]
        pass
    assert not (tmp_path / "out" / "demo.zip").exists()
    assert "cancel" in section.stage.text().lower()


def test_errors_block_export_until_export_anyway(
        qtbot: object, section_ctx: SectionContext, tmp_path: Path) -> None:
    section = make(qtbot, section_ctx, tmp_path)
    section.show_findings([Finding("x", Severity.ERROR, "products[0].title", "bad title")])
    assert not section.export_button.isEnabled() and not section.force.isHidden()
    section.force.setChecked(True)
    assert section.export_button.isEnabled()
    opened: list[tuple[str, str]] = []
    section_ctx.bus.sig_open_section.connect(lambda k, p: opened.append((k, p)))
    section.open_finding(section.model.item(0).child(0).index())
    assert opened == [("catalog", "products[0].title")]
