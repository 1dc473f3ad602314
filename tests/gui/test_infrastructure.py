"""Workers, undo wrapping, crash dialog and the section registry."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtGui import QUndoStack

from shopbuilder.core.commands import BrandEdit
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.demo import DEMO_SLUG
from shopbuilder.gui import crash, dialogs
from shopbuilder.gui.sections import SECTIONS, SectionContext, SectionSpec, build_section
from shopbuilder.gui.undo import push_command, push_macro
from shopbuilder.gui.workers import Cancelled, Job, run_in_process, run_task


def brand(ws: Workspace) -> shop_svc.BrandData:
    with ws.session() as s:
        return shop_svc.brand_of(shop_svc.get_shop(s, DEMO_SLUG))


# ---------------------------------------------------------------- workers


def test_run_task_returns_on_the_gui_thread(qtbot: object) -> None:
    seen: dict[str, object] = {}
    main = threading.get_ident()

    def work(job: Job) -> int:
        seen["worker"] = threading.get_ident()
        for i in range(5):
            job.progress(i + 1, 5, "step")
        return 42

    def done(result: int) -> None:
        seen["result"], seen["callback"] = result, threading.get_ident()

    progress: list[tuple[int, int, str]] = []
    task = run_task(work, on_result=done, on_progress=lambda *a: progress.append(a))
    with qtbot.waitSignal(task.sig_finished, timeout=5000):
        pass
    assert seen["result"] == 42 and task.result == 42
    assert seen["worker"] != main and seen["callback"] == main
    assert progress[-1] == (5, 5, "step")


def test_run_task_delivers_errors(qtbot: object) -> None:
    errors: list[BaseException] = []

    def work(_job: Job) -> None:
        raise ValidationError("price", "bad price")

    task = run_task(work, on_error=errors.append)
    with qtbot.waitSignal(task.sig_finished, timeout=5000):
        pass
    assert isinstance(errors[0], ValidationError) and errors[0].path == "price"
    assert task.result is None


def test_cancel_stops_a_job_that_polls_the_flag(qtbot: object) -> None:
    started = threading.Event()
    steps: list[int] = []

    def work(job: Job) -> str:
        started.set()
        for i in range(1000):
            job.check()
            steps.append(i)
            time.sleep(0.005)
        return "finished"

    task = run_task(work)
    results: list[object] = []
    task.sig_returned.connect(results.append)
    started.wait(5)
    with qtbot.waitSignals([task.sig_cancelled, task.sig_finished], timeout=5000):
        task.cancel()
    assert results == [] and len(steps) < 1000


def test_event_loop_stays_responsive_during_a_long_job(qtbot: object) -> None:
    """A QTimer ticking every 10 ms while a CPU-heavy job runs; the largest gap between
    ticks stays small because the work and its frequent progress stay off the GUI thread."""
    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)

    def work(job: Job) -> int:
        """CPU-bound until the GUI has ticked 30 times (or 20 million steps)."""
        total = 0
        for i in range(20_000_000):
            total += i * i % 7
            if i % 100 == 0:
                job.progress(i, 20_000_000)
                if len(gaps) >= 30:
                    break
        return total

    import gc

    gc.collect()
    gc.freeze()  # as the app does after start-up
    clock.start()
    timer.start()
    task = run_task(work)
    with qtbot.waitSignal(task.sig_finished, timeout=20000):
        pass
    timer.stop()
    gc.unfreeze()
    assert len(gaps) >= 30
    assert max(gaps) < 200


def _square(x: int) -> int:
    return x * x


def test_run_in_process(qtbot: object) -> None:
    from shopbuilder.gui.workers import shutdown_process_pool

    try:
        task = run_in_process(_square, 12)
        with qtbot.waitSignal(task.sig_finished, timeout=30000):
            pass
        assert task.result == 144
    finally:
        shutdown_process_pool()


def test_cancelled_exception_is_not_an_error(qtbot: object) -> None:
    def work(_job: Job) -> None:
        raise Cancelled()

    task = run_task(work)
    with qtbot.waitSignals([task.sig_cancelled, task.sig_finished], timeout=5000):
        pass
    assert task.error is None


# ---------------------------------------------------------------- undo


def test_undo_redo_of_a_brand_edit(demo_workspace: Workspace) -> None:
    stack = QUndoStack()
    before = brand(demo_workspace)
    after = replace(before, slogan="新口号")
    push_command(stack, demo_workspace, BrandEdit(DEMO_SLUG, before, after))
    assert brand(demo_workspace).slogan == "新口号"
    stack.undo()
    assert brand(demo_workspace).slogan == before.slogan
    stack.redo()
    assert brand(demo_workspace).slogan == "新口号"
    assert stack.count() == 1


def test_a_failing_apply_is_not_stacked_and_raises(demo_workspace: Workspace) -> None:
    stack = QUndoStack()
    before = brand(demo_workspace)
    with pytest.raises(ValidationError) as info:
        push_command(stack, demo_workspace,
                     BrandEdit(DEMO_SLUG, before, replace(before, primary_color="red")))
    assert info.value.path == "primary_color"
    assert stack.count() == 0
    assert brand(demo_workspace).primary_color == before.primary_color


def test_context_push_shows_the_error(section_ctx: SectionContext) -> None:
    before = brand(section_ctx.workspace)
    ok = section_ctx.push(BrandEdit(DEMO_SLUG, before, replace(before, brand_name="")))
    assert not ok
    assert "brand_name" in dialogs.shown[-1][1]


def test_typing_merges_into_one_step(demo_workspace: Workspace) -> None:
    stack = QUndoStack()
    b0 = brand(demo_workspace)
    b1, b2 = replace(b0, slogan="a"), replace(b0, slogan="ab")
    push_command(stack, demo_workspace, BrandEdit(DEMO_SLUG, b0, b1), merge_key="slogan")
    push_command(stack, demo_workspace, BrandEdit(DEMO_SLUG, b1, b2), merge_key="slogan")
    assert stack.count() == 1 and brand(demo_workspace).slogan == "ab"
    stack.undo()
    assert brand(demo_workspace).slogan == b0.slogan
    stack.redo()
    assert brand(demo_workspace).slogan == "ab"


def test_macro_is_one_step(demo_workspace: Workspace) -> None:
    stack = QUndoStack()
    b0 = brand(demo_workspace)
    b1 = replace(b0, slogan="one")
    b2 = replace(b1, share_title="two")
    push_macro(stack, demo_workspace, [BrandEdit(DEMO_SLUG, b0, b1),
                                       BrandEdit(DEMO_SLUG, b1, b2)], "bulk edit")
    assert stack.count() == 1
    assert (brand(demo_workspace).slogan, brand(demo_workspace).share_title) == ("one", "two")
    stack.undo()
    assert brand(demo_workspace) == b0


def test_data_changed_fires_on_undo(section_ctx: SectionContext, qtbot: object) -> None:
    before = brand(section_ctx.workspace)
    section_ctx.try_push(BrandEdit(DEMO_SLUG, before, replace(before, slogan="x")))
    with qtbot.waitSignal(section_ctx.bus.sig_data_changed, timeout=1000) as blocker:
        section_ctx.undo_stack.undo()
    assert blocker.args[0] == DEMO_SLUG


# ---------------------------------------------------------------- crash dialog


@pytest.mark.qt_no_exception_capture
def test_crash_dialog_shows_the_log_path_and_logs(tmp_path: Path) -> None:
    crash.install()
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    title, _text = dialogs.shown[-1]
    assert title == "Something went wrong"
    box = dialogs._open[-1]
    assert str(crash.log_file()) in box.informativeText()
    assert "RuntimeError: boom" in crash.log_file().read_text(encoding="utf-8")
    assert crash.log_file().is_relative_to(tmp_path)


def test_expected_errors_escaping_a_slot_are_plain_messages() -> None:
    crash.handle_exception(ValidationError, ValidationError("price", "too low"), None)
    assert dialogs.shown[-1] == ("Cannot do that", "price: too low")


# ---------------------------------------------------------------- sections


def test_missing_section_module_gives_a_placeholder(section_ctx: SectionContext) -> None:
    widget = build_section(SectionSpec("x", "Nowhere", "shopbuilder.gui.nowhere:create"),
                           section_ctx)
    assert "not available" in widget.findChild(object, "placeholder").text()


def test_section_keys() -> None:
    assert [s.key for s in SECTIONS] == ["brand", "pages", "catalog", "promotions",
                                         "posters", "export", "publish"]


def test_progress_dialog_cancel_cancels_the_job(qtbot: object) -> None:
    from shopbuilder.gui.workers import run_with_progress

    started = threading.Event()

    def work(job: Job) -> str:
        started.set()
        for i in range(2000):
            job.check()
            job.progress(i, 2000, "step")
            time.sleep(0.005)
        return "finished"

    task = run_with_progress(None, "Working", work)
    dialog = task.dialog  # type: ignore[attr-defined]
    assert dialog.isVisible()
    started.wait(5)
    from PySide6.QtWidgets import QPushButton

    with qtbot.waitSignals([task.sig_cancelled, task.sig_finished], timeout=10000):  # type: ignore[attr-defined]
        dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert task.result is None
