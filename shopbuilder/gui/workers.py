"""The one helper for work off the GUI thread (import, export, posters, images).

    task = run_task(lambda job: export_bundle(ws, slug, out, progress=job.progress,
                                              cancelled=job.is_cancelled),
                    on_result=show_report, on_error=ctx.show_error)
    task.cancel()   # sets the flag the function polls through job.is_cancelled()

`fn(job)` runs in the thread pool; it opens its own DB session and returns plain data
(ids, dataclasses, bytes) — never live ORM objects or QPixmaps (turn PIL images into
QImage on the GUI thread). Every callback and every ``Task.sig_*`` signal runs on the GUI
thread. ``job.progress(done, total, text)`` may be called as often as you like: it is
throttled to ~20 updates a second. Raising `Cancelled` (``job.check()`` does) ends the
task with ``sig_cancelled`` instead of ``sig_errored``. CPU-bound pure functions (Pillow)
can go to a process with `run_in_process`, which sidesteps the GIL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from shopbuilder.i18n import _

if TYPE_CHECKING:  # loaded when first used, not at start-up
    import concurrent.futures

    from PySide6.QtWidgets import QWidget

PROGRESS_INTERVAL_S = 0.05


class Cancelled(Exception):
    """Raised inside a job to stop it because the user pressed Cancel."""


class _Signals(QObject):
    started = Signal()
    progress = Signal(int, int, str)
    returned = Signal(object)
    errored = Signal(object)
    cancelled = Signal()
    finished = Signal()


class Job:
    """What the background function gets: progress reporting and the cancel flag."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()
        self._last = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or (total and done >= total):
            self._last = now
            self._signals.progress.emit(int(done), int(total), text)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Job], Any], job: Job, signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._job, self._signals = fn, job, signals

    def run(self) -> None:
        self._signals.started.emit()
        try:
            result = self._fn(self._job)
        except Cancelled:
            self._signals.cancelled.emit()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._signals.errored.emit(exc)
        else:
            if self._job.is_cancelled():
                self._signals.cancelled.emit()
            else:
                self._signals.returned.emit(result)
        finally:
            self._signals.finished.emit()


class Task(QObject):
    """The GUI-thread handle of one background job."""

    sig_started = Signal()
    sig_progress = Signal(int, int, str)  # done, total (0 = unknown), text
    sig_returned = Signal(object)
    sig_errored = Signal(object)  # the exception
    sig_cancelled = Signal()
    sig_finished = Signal()  # always last, whatever the outcome

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self.job = Job(self._signals)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        # `_signals` are emitted from a pool thread and `self` lives on the GUI thread, so
        # the automatic connection type queues every one of them onto the GUI thread.
        # (Naming Qt.ConnectionType here would build PySide's Qt namespace, ~13 ms, on
        # the start-up path: the first task opens the workspace.)
        self._signals.started.connect(self.sig_started)
        self._signals.progress.connect(self.sig_progress)
        self._signals.returned.connect(self._on_returned)
        self._signals.errored.connect(self._on_errored)
        self._signals.cancelled.connect(self.sig_cancelled)
        self._signals.finished.connect(self._on_finished)

    def cancel(self) -> None:
        self.job.cancel()

    @Slot(object)
    def _on_returned(self, result: Any) -> None:
        self.result = result
        self.sig_returned.emit(result)

    @Slot(object)
    def _on_errored(self, error: BaseException) -> None:
        self.error = error
        self.sig_errored.emit(error)

    @Slot()
    def _on_finished(self) -> None:
        self.done = True
        _running.discard(self)
        self.sig_finished.emit()


_running: set[Task] = set()


def running_tasks() -> int:
    return len(_running)


def run_task(fn: Callable[[Job], Any], *,
             on_result: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             on_progress: Callable[[int, int, str], None] | None = None,
             on_finished: Callable[[], None] | None = None,
             pool: QThreadPool | None = None) -> Task:
    """Run `fn(job)` in the thread pool; callbacks run on the GUI thread."""
    task = Task()
    if on_result is not None:
        task.sig_returned.connect(on_result)
    if on_error is not None:
        task.sig_errored.connect(on_error)
    if on_progress is not None:
        task.sig_progress.connect(on_progress)
    if on_finished is not None:
        task.sig_finished.connect(on_finished)
    _running.add(task)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, task.job, task._signals))
    return task


_process_pool: concurrent.futures.ProcessPoolExecutor | None = None


def process_pool() -> concurrent.futures.ProcessPoolExecutor:
    """A small spawn-based pool (forking a process with Qt threads is unsafe)."""
    import concurrent.futures
    import multiprocessing

    global _process_pool
    if _process_pool is None:
        _process_pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=max(1, min(2, multiprocessing.cpu_count() - 1)),
            mp_context=multiprocessing.get_context("spawn"))
    return _process_pool


def run_in_process(fn: Callable[..., Any], *args: Any, **callbacks: Any) -> Task:
    """Run the picklable top-level `fn(*args)` in a worker process (CPU-bound work).

    Cancel stops waiting and drops the result; progress is not reported."""

    def wait(job: Job) -> Any:
        import concurrent.futures

        future = process_pool().submit(fn, *args)
        while True:
            if job.is_cancelled():
                future.cancel()
                raise Cancelled()
            try:
                return future.result(timeout=0.05)
            except concurrent.futures.TimeoutError:
                continue

    return run_task(wait, **callbacks)


def shutdown_process_pool() -> None:
    global _process_pool
    if _process_pool is not None:
        _process_pool.shutdown(wait=False, cancel_futures=True)
        _process_pool = None


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[[Job], Any], *,
                      on_result: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> Task:
    """`run_task` with a window-modal progress dialog whose Cancel cancels the job."""
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(title, _("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    task = run_task(fn, on_result=on_result, on_error=on_error, on_progress=progress)
    dialog.canceled.connect(task.cancel)
    task.sig_finished.connect(dialog.close)
    task.sig_finished.connect(dialog.deleteLater)
    task.dialog = dialog  # type: ignore[attr-defined] - tests press Cancel through it
    dialog.show()
    return task
