"""The import wizard: pick a file → detected format and column mapping (fixable) →
dry run with the row errors → import with progress and cancel.

Reading, the dry run and the import run off the GUI thread (`gui.workers.run_task`)
through the catalog import API (`shopbuilder.catalog.importer`); an import is not an
undo step (it can be thousands of products), which the last page says.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from shopbuilder.catalog.importer import ImportOptions, SheetPreview, detect, import_file
from shopbuilder.catalog.report import ImportCancelled, ImportReport, RowIssue
from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.gui.catalog.import_models import FieldDelegate, IssueModel, MappingModel
from shopbuilder.gui.sections import SectionContext
from shopbuilder.gui.workers import Job, Task, run_task
from shopbuilder.i18n import _, ngettext

FILE_FILTER = "*.xlsx *.csv *.txt"


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Choose a product sheet"))
        self.setSubTitle(_("An .xlsx or .csv file: our template (商品名称, 售价 …) or a "
                           "Shopify export. Nothing is written until the last step."))
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("Path of the file"))
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        self.path.editingFinished.connect(lambda: self.w.read_file(Path(self.path.text())))
        self.info = QLabel()
        self.info.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addStretch(1)

    def _browse(self) -> None:
        file, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a product sheet"), "", _("Sheets ({patterns})").format(
                patterns=FILE_FILTER))
        if file:
            self.path.setText(file)
            self.w.read_file(Path(file))

    def isComplete(self) -> bool:
        return self.w.preview is not None and self.w.read_task is None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Check the columns"))
        self.setSubTitle(_("Each column of the file and the field it fills. Click a field "
                           "to change it; “(not imported)” skips the column."))
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.format = QComboBox()
        self.format.addItem(_("shopbuilder template"), "template")
        self.format.addItem(_("Shopify"), "shopify")
        self.format.setToolTip(_("How the rows are read: our template has one row per SKU; "
                                 "a Shopify export has one row per variant and image."))
        self.view = _table(wizard.mapping)
        self.view.setItemDelegateForColumn(1, FieldDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        format_row = QHBoxLayout()
        format_row.addWidget(QLabel(_("Read as")))
        format_row.addWidget(self.format)
        format_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addLayout(format_row)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:
        p = self.w.preview
        if p is None:
            return
        self.detected.setText(_(
            "Detected: {format} format, {kind} file ({encoding}), {rows} data rows, "
            "{cols} columns").format(
                format=_("Shopify") if p.format == "shopify" else _("shopbuilder template"),
                kind=p.kind.upper(), encoding=p.encoding, rows=p.row_count,
                cols=len(p.headers)))
        self.format.setCurrentIndex(max(self.format.findData(p.format), 0))
        model = self.w.mapping
        for row in range(model.rowCount()):  # the choices show as combo boxes
            self.view.openPersistentEditor(model.index(row, 1))
        self.view.resizeColumnsToContents()


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Dry run"))
        self.setSubTitle(_("The sheet checked against every rule, nothing written. Fix the "
                           "file and check again, or import the valid products only."))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.skip_invalid = QCheckBox(_("Import the valid products and skip those with errors"))
        self.fetch_images = QCheckBox(_("Download images given as web addresses"))
        self.fetch_images.setChecked(True)
        self.recheck = QPushButton(_("Check again"))
        self.recheck.clicked.connect(self.w.run_dry)
        self.skip_invalid.toggled.connect(self.completeChanged)
        self.view = _table(wizard.issues)
        self.view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        row = QHBoxLayout()
        row.addWidget(self.skip_invalid, 1)
        row.addWidget(self.recheck)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.fetch_images)

    def initializePage(self) -> None:
        self.w.run_dry()

    def isComplete(self) -> bool:
        report = self.w.dry_report
        if report is None or self.w.dry_task is not None:
            return False
        return not report.errors or self.skip_invalid.isChecked()


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("Import"))
        self.setSubTitle(_("Products are matched by product and SKU code: existing ones are "
                           "updated. An import is not undone with Ctrl+Z."))
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.cancel = QPushButton(_("Cancel import"))
        self.cancel.clicked.connect(self.w.cancel_import)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.w.run_import()

    def isComplete(self) -> bool:
        return self.w.import_task is None


class ImportWizard(QWizard):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Import products"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.preview: SheetPreview | None = None
        self.dry_report: ImportReport | None = None
        self.report: ImportReport | None = None
        self.read_task: Task | None = None
        self.dry_task: Task | None = None
        self.import_task: Task | None = None
        self.mapping = MappingModel(self)
        self.issues = IssueModel(self)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.import_page):
            self.addPage(page)
        self.resize(820, 560)

    def reject(self) -> None:
        """Closing the wizard cancels whatever still runs (nothing half-written)."""
        for task in (self.read_task, self.dry_task, self.import_task):
            if task is not None:
                task.cancel()
        super().reject()

    # ------------------------------------------------------------ step 1: read

    def read_file(self, path: Path) -> None:
        if self.read_task is not None or not str(path).strip() or (
                self.preview is not None and self.preview.path == path):
            return  # editingFinished also fires when the page changes
        self.preview = None
        self.file_page.info.setText(_("Reading {name}…").format(name=path.name))
        ws, slug = self.ctx.workspace, self.ctx.slug

        def work(_job: Job) -> SheetPreview:
            with ws.session() as s:
                return detect(path, session=s, slug=slug)

        self.read_task = run_task(work, on_result=self._read_done, on_error=self._read_failed,
                                  on_finished=self._read_finished)
        self.file_page.completeChanged.emit()

    def _read_done(self, preview: SheetPreview) -> None:
        self.preview = preview
        self.mapping.load(preview)
        fmt = _("Shopify") if preview.format == "shopify" else _("shopbuilder template")
        self.file_page.info.setText(_("{name}: {format} format, {rows} rows.").format(
            name=preview.path.name, format=fmt, rows=preview.row_count))

    def _read_failed(self, error: BaseException) -> None:
        self.file_page.info.setText(str(error) if isinstance(error, ShopBuilderError)
                                    else _("Cannot read this file: {error}").format(error=error))
        if not isinstance(error, (ShopBuilderError, OSError)):
            raise error

    def _read_finished(self) -> None:
        self.read_task = None
        self.file_page.completeChanged.emit()

    def options(self, dry_run: bool) -> ImportOptions:
        changes = self.mapping.changes()
        detected = self.preview.format if self.preview else "auto"
        chosen = self.mapping_page.format.currentData() or "auto"
        return ImportOptions(dry_run=dry_run, mapping=changes, remember_mapping=bool(changes),
                             format=chosen if chosen != detected else "auto",
                             skip_invalid=self.check_page.skip_invalid.isChecked(),
                             fetch_images=self.check_page.fetch_images.isChecked())

    # ------------------------------------------------------------ step 3: dry run

    def run_dry(self) -> None:
        if self.preview is None or self.dry_task is not None:
            return
        self.dry_report = None
        self.check_page.summary.setText(_("Checking {rows} rows…").format(
            rows=self.preview.row_count))
        self.issues.load([], [])
        path, options = self.preview.path, self.options(dry_run=True)
        ws, slug = self.ctx.workspace, self.ctx.slug
        self.dry_task = run_task(
            lambda job: import_file(ws, slug, path, options, cancel=job.is_cancelled),
            on_result=self._dry_done, on_error=self._dry_failed,
            on_finished=self._dry_finished)
        self.check_page.completeChanged.emit()

    def _dry_done(self, report: ImportReport) -> None:
        self.dry_report = report
        self.issues.load(report.errors, [self._gui_words(w) for w in report.warnings])
        text = report.summary()
        if report.errors:
            n = len({e.row for e in report.errors})
            text += "\n" + ngettext("{n} row has errors (in red below).",
                                    "{n} rows have errors (in red below).", n).format(n=n)
        self.check_page.summary.setText(text)
        self.check_page.view.resizeColumnToContents(1)

    def _gui_words(self, warning: RowIssue) -> RowIssue:
        """The importer tells CLI users to use ``--map`` for an unknown column; here the
        fix is the previous page."""
        if (self.preview is not None and warning.column in self.mapping.headers
                and not self.mapping.mapping.get(warning.column) and "--map" in warning.message):
            return dataclasses.replace(warning, message=_(
                "unknown column, not imported (pick a field for it on the previous page)"))
        return warning

    def _dry_failed(self, error: BaseException) -> None:
        self.check_page.summary.setText(str(error))
        if not isinstance(error, ShopBuilderError):
            raise error

    def _dry_finished(self) -> None:
        self.dry_task = None
        self.check_page.completeChanged.emit()

    # ------------------------------------------------------------ step 4: import

    def run_import(self) -> None:
        if self.preview is None or self.import_task is not None:
            return
        self.report = None
        page = self.import_page
        page.cancel.setEnabled(True)
        page.bar.setRange(0, 0)
        page.result.clear()
        path, options = self.preview.path, self.options(dry_run=False)
        ws, slug = self.ctx.workspace, self.ctx.slug

        def work(job: Job) -> ImportReport:
            return import_file(ws, slug, path, options,
                               progress=lambda stage, done, total: job.progress(
                                   done, total, stage),
                               cancel=job.is_cancelled)

        self.import_task = run_task(work, on_result=self._import_done,
                                    on_error=self._import_failed,
                                    on_progress=self._import_progress,
                                    on_finished=self._import_finished)
        page.completeChanged.emit()

    def cancel_import(self) -> None:
        if self.import_task is not None:
            self.import_task.cancel()
            self.import_page.stage.setText(_("Cancelling…"))

    def _import_progress(self, done: int, total: int, stage: str) -> None:
        page = self.import_page
        page.stage.setText(stage)
        page.bar.setRange(0, max(total, 0))
        page.bar.setValue(done)

    def _import_done(self, report: ImportReport) -> None:
        self.report = report
        self.import_page.result.setText(report.summary())
        self.import_page.stage.setText(_("Done") if report.written else _("Nothing written"))
        self.ctx.bus.sig_data_changed.emit(self.ctx.slug, "import")
        self.ctx.status(report.summary())

    def _import_failed(self, error: BaseException) -> None:
        page = self.import_page
        if isinstance(error, ImportCancelled):
            page.stage.setText(_("Cancelled"))
            page.result.setText(error.message)
        elif isinstance(error, ShopBuilderError):
            page.stage.setText(_("Not imported"))
            page.result.setText(str(error))
        else:
            raise error

    def _import_finished(self) -> None:
        self.import_task = None
        page = self.import_page
        page.cancel.setEnabled(False)
        if page.bar.maximum() == 0:
            page.bar.setRange(0, 1)
            page.bar.setValue(1 if self.report else 0)
        page.completeChanged.emit()
