"""The Export section: lint findings grouped by severity (double-click opens the editor
at the field), export with progress and cancel (blocked while errors remain unless
"export anyway"), the size report and "show in folder"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.findings import Finding, Severity, sort_findings
from shopbuilder.gui import dialogs
from shopbuilder.gui.sections import SectionContext
from shopbuilder.gui.workers import Job, Task, run_task
from shopbuilder.i18n import N_, _

SEVERITY_TITLES = {Severity.ERROR: N_("Errors"), Severity.WARNING: N_("Warnings"),
                   Severity.INFO: N_("Notes")}
LOCATION_ROLE = Qt.ItemDataRole.UserRole + 1
SECTION_OF = (  # a finding's location prefix → the section that edits it
    (re.compile(r"^(products|skus|categories)"), "catalog"),
    (re.compile(r"^(pages|tab_bar)"), "pages"),
    (re.compile(r"^(coupons|group_buys|bargains|flash_sales|campaigns)"), "promotions"),
    (re.compile(r"^(posters)"), "posters"),
    (re.compile(r"^(brand|shop|licence|share)"), "brand"),
)


def section_for(location: str) -> str | None:
    for pattern, key in SECTION_OF:
        if pattern.match(location):
            return key
    return None


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


class FindingsModel(QStandardItemModel):
    """Severity groups with their findings under them (message, location)."""

    def load(self, findings: list[Finding]) -> None:
        self.clear()
        self.setHorizontalHeaderLabels([_("Finding"), _("Where")])
        for severity, title in SEVERITY_TITLES.items():
            group = [f for f in findings if f.severity is severity]
            if not group:
                continue
            head = QStandardItem(f"{_(title)} ({len(group)})")
            head.setEditable(False)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            tail = QStandardItem("")
            tail.setEditable(False)
            for finding in group:
                message = QStandardItem(finding.message)
                message.setToolTip(f"{finding.rule}\n{finding.message}")
                message.setData(finding.location, LOCATION_ROLE)
                message.setEditable(False)
                where = QStandardItem(finding.location)
                where.setEditable(False)
                head.appendRow([message, where])
            self.appendRow([head, tail])


class ExportSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.findings: list[Finding] = []
        self.task: Task | None = None
        self.lint_task: Task | None = None
        self.result: Any = None
        self.model = FindingsModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.doubleClicked.connect(self.open_finding)
        header = self.tree.header()
        header.setStretchLastSection(False)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.check_button = QPushButton(_("Check again"))
        self.check_button.clicked.connect(self.lint)
        self.path = QLineEdit(str(self.default_path()))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        self.force = QCheckBox(_("Export anyway (the bundle may be refused on upload)"))
        self.force.toggled.connect(self._update_buttons)
        self.export_button = QPushButton(_("Export bundle"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.stage = QLabel()
        self.stage.setObjectName("hint")
        self.report = QLabel()
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton(_("Show in folder"))
        self.show_button.clicked.connect(self.show_in_folder)
        self.show_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.check_button)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(_("Bundle file")))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        actions = QHBoxLayout()
        actions.addWidget(self.force)
        actions.addStretch(1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.export_button)
        result_row = QHBoxLayout()
        result_row.addWidget(self.report, 1)
        result_row.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(path_row)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        layout.addLayout(result_row)
        self.lint()

    def default_path(self) -> Path:
        folder = Path(platformdirs.user_documents_dir()) / "shopbuilder"
        return folder / f"{self.ctx.slug}.zip"

    # ------------------------------------------------------------ lint

    def lint(self) -> Task | None:
        try:
            from shopbuilder.bundle import lint_shop
        except ImportError:
            self.summary.setText(_("The bundle export is not available yet."))
            return None
        ws, slug = self.ctx.workspace, self.ctx.slug

        def work(_job: Job) -> list[Finding]:
            with ws.session() as s:
                return lint_shop(s, slug)

        self.summary.setText(_("Checking the shop…"))
        self.export_button.setEnabled(False)
        self.lint_task = run_task(work, on_result=self.show_findings, on_error=self._error)
        return self.lint_task

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = sort_findings(findings)
        self.model.load(self.findings)
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        warnings = sum(f.severity is Severity.WARNING for f in self.findings)
        if not self.findings:
            self.summary.setText(_("Ready to export: no problems found."))
        else:
            self.summary.setText(_("{errors} errors, {warnings} warnings").format(
                errors=errors, warnings=warnings))
        self._update_buttons()

    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    def _update_buttons(self) -> None:
        busy = self.task is not None
        self.force.setVisible(self.errors() > 0)
        self.export_button.setEnabled(not busy and (self.errors() == 0 or self.force.isChecked()))
        self.cancel_button.setVisible(busy)

    def open_finding(self, index: QModelIndex) -> None:
        location = index.siblingAtColumn(0).data(LOCATION_ROLE)
        if not location:
            return
        key = section_for(location)
        if key is not None:
            self.ctx.open_section(key, location)
        else:
            self.ctx.status(location)

    # ------------------------------------------------------------ export

    def _browse(self) -> None:
        if dialogs.no_modal():
            return
        name, _f = QFileDialog.getSaveFileName(self, _("Save the bundle"), self.path.text(),
                                               "Bundle (*.zip)")
        if name:
            self.path.setText(name)

    def export(self) -> Task | None:
        from shopbuilder.bundle import export_bundle

        out = Path(self.path.text().strip())
        if not out.name:
            dialogs.show_error(self, _("Cannot export"), _("Choose where to save the bundle."))
            return None
        out.parent.mkdir(parents=True, exist_ok=True)
        ws, slug, force = self.ctx.workspace, self.ctx.slug, self.force.isChecked()

        def work(job: Job) -> Any:
            return export_bundle(ws, slug, out, force=force, cancel=job.is_cancelled,
                                 progress=lambda stage, d, t: job.progress(d, t, stage))

        self.report.setText("")
        self.show_button.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stage.setText(_("Exporting…"))
        self.task = run_task(work, on_result=self._exported, on_error=self._error,
                             on_progress=self._progress, on_finished=self._finished)
        self.task.sig_cancelled.connect(lambda: self.stage.setText(
            _("Export cancelled; nothing was written.")))
        self._update_buttons()
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.stage.setText(_("Cancelling…"))

    def _progress(self, done: int, total: int, stage: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        names = {"lint": _("checking"), "images": _("pictures"), "posters": _("posters"),
                 "write": _("writing the file")}
        self.stage.setText(_("Exporting: {stage} {done}/{total}").format(
            stage=names.get(stage, stage), done=done, total=total))

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self._update_buttons()

    def _error(self, error: BaseException) -> None:
        from shopbuilder.core.errors import ShopBuilderError

        self.summary.setText("")
        if isinstance(error, ShopBuilderError):
            if type(error).__name__ == "ExportCancelled":
                self.stage.setText(_("Export cancelled; nothing was written."))
                return
            self.ctx.show_error(error, _("Export failed"))
            self.stage.setText("")
        else:
            raise error

    def _exported(self, result: Any) -> None:
        self.result = result
        self.show_findings(result.findings)
        if not result.written:
            self.stage.setText(_("Not exported: fix the errors above, or tick "
                                 "“Export anyway”."))
            return
        self.stage.setText(_("Exported to {path}").format(path=result.path))
        report = result.size_report
        over = list(getattr(report, "assets_over_budget", []))
        red, grey = "color:#B42318", "color:#6B7280"
        config_note = _("limit {budget}").format(budget=human_size(report.config_budget))
        picture_note = _("each at most {budget}").format(budget=human_size(report.asset_budget))
        if over:
            picture_note += " — " + _("{n} over").format(n=len(over))
        rows = [(_("Configuration"), report.config, config_note,
                 red if report.config > report.config_budget else grey),
                (_("Pictures"), report.assets, picture_note, red if over else grey),
                (_("Posters"), report.posters, "", grey),
                (_("Total"), report.total, "", grey)]
        html = "<table cellpadding='2'>" + "".join(
            f"<tr><td>{name}</td><td align='right'>{human_size(size)}</td>"
            f"<td style='{style}'>{note}</td></tr>" for name, size, note, style in rows
        ) + "</table>"
        largest = over[:5] or sorted(result.files, key=lambda f: -f.size)[:5]
        if largest:
            title = _("Pictures over the limit") if over else _("Largest files")
            html += f"<p><b>{title}</b><br>" + "<br>".join(
                f"{f.path} — {human_size(f.size)}" for f in largest) + "</p>"
        self.report.setText(html)
        self.show_button.show()
        self.ctx.status(_("Bundle exported"))

    def show_in_folder(self) -> None:
        if self.result is not None and not dialogs.no_modal():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.result.path).parent)))

    def refresh(self) -> None:
        if self.task is None:
            self.lint()


def create_section(ctx: SectionContext) -> QWidget:
    return ExportSection(ctx)
