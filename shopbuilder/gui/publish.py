"""The Publish section: upload the shop as it is now to a target and make it the live
version, see what would change first, follow progress and cancel (publishing again
resumes), and roll a target back to an earlier version from the history.

Everything goes through `shopbuilder.publish.service`; tokens are typed into a password
field and handed straight to the OS keyring, never kept by a widget longer than the
dialog lives.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.gui import dialogs
from shopbuilder.gui.forms import FieldRow
from shopbuilder.gui.sections import SectionContext
from shopbuilder.gui.workers import Job, Task, run_task
from shopbuilder.i18n import N_, _

ACTIONS = {"publish": N_("publish"), "rollback": N_("roll back")}
RESULTS = {"ok": N_("done"), "failed": N_("failed"), "cancelled": N_("cancelled"),
           "pending": N_("unfinished")}
ModelIndex = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    """The shop's publishes and rollbacks, newest first (rows from `service.history`)."""

    COLUMNS = (N_("Time"), N_("Target"), N_("Action"), N_("Version"), N_("Result"),
               N_("Message"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.live: dict[str, int] = {}  # target → the version our last success made live

    def load(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.live = {}
        for row in self.rows:  # newest first: the first success per target is what is live
            if row["result"] == "ok" and row["version"] is not None:
                self.live.setdefault(row["target"], int(row["version"]))
        self.endResetModel()

    def is_live(self, row: dict[str, Any]) -> bool:
        return row["result"] == "ok" and row["version"] is not None \
            and self.live.get(row["target"]) == int(row["version"])

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return _(self.COLUMNS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.FontRole and self.is_live(row):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            live = _("Live on {target}").format(target=row["target"]) \
                if self.is_live(row) else ""
            sha = f"SHA-256 {row['sha256']}" if row["sha256"] else ""
            return "\n".join(t for t in (live, sha) if t) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: dict[str, Any], column: int) -> str:
        if column == 0:
            return str(row["local_time"]).replace("T", " ")[:16]
        if column == 1:
            return str(row["target"])
        if column == 2:
            return _(ACTIONS.get(row["action"], row["action"]))
        if column == 3:
            return "" if row["version"] is None else str(row["version"])
        if column == 4:
            result = _(RESULTS.get(row["result"], row["result"]))
            return _("{result}, live").format(result=result) if self.is_live(row) else result
        return str(row["message"] or "")

    def row(self, n: int) -> dict[str, Any] | None:
        return self.rows[n] if 0 <= n < len(self.rows) else None


class TargetDialog(QDialog):
    """Add a target: a receiver's address and token, or a plain folder."""

    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved: dict[str, str] | None = None
        self.setWindowTitle(_("Add a publish target"))
        self.setMinimumWidth(480)
        # Gone when closed, and the typed token with it (not kept in a hidden field).
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. prod"))
        self.to_url = QRadioButton(_("A receiver (shopbuilder serve, your CDN's uploader)"))
        self.to_folder = QRadioButton(_("A folder (synced, or served by a web server)"))
        self.to_url.setChecked(True)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://bundles.example.com")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        folder_box = QWidget()
        folder_row = QHBoxLayout(folder_box)
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.fields = {
            "name": FieldRow(self.name),
            "url": FieldRow(self.url),
            "token": FieldRow(self.token, _("Kept in the system keyring, never in the "
                                            "workspace or the bundle.")),
            "folder": FieldRow(folder_box),
        }
        self.fields["folder"].editor = self.folder  # the error outline goes on the line edit
        form = QFormLayout()
        form.addRow(_("Name"), self.fields["name"])
        form.addRow(self.to_url)
        form.addRow(_("Address"), self.fields["url"])
        form.addRow(_("Token"), self.fields["token"])
        form.addRow(self.to_folder)
        form.addRow(_("Folder"), self.fields["folder"])
        self.general = QLabel()
        self.general.setObjectName("error")
        self.general.setWordWrap(True)
        self.general.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.finished.connect(lambda _result: self.token.clear())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.to_url.toggled.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        remote = self.to_url.isChecked()
        for key, enabled in (("url", remote), ("token", remote), ("folder", not remote)):
            self.fields[key].setEnabled(enabled)

    def _browse(self) -> None:
        if dialogs.no_modal():
            return
        folder = QFileDialog.getExistingDirectory(self, _("Publish to folder"),
                                                  self.folder.text())
        if folder:
            self.folder.setText(folder)

    def save(self) -> bool:
        """Save through the service; messages beside the fields on a refusal."""
        from shopbuilder.core.errors import ShopBuilderError, ValidationError
        from shopbuilder.publish.service import save_target, targets

        for row in self.fields.values():
            row.set_error("")
        self.general.hide()
        remote = self.to_url.isChecked()
        name = self.name.text().strip()
        if name in {t["name"] for t in targets(self.ctx.workspace)}:
            # Saving would replace that target (its address, CA bundle and token).
            self.fields["name"].set_error(_("there is a target named {name} already; "
                                            "choose another name").format(name=name))
            return False
        try:
            self.saved = save_target(
                self.ctx.workspace, name,
                url=self.url.text().strip() if remote else None,
                folder=None if remote else self.folder.text().strip(),
                token=self.token.text() if remote else None)
        except ValidationError as exc:
            general = []
            for issue in exc.issues:
                row = self.fields.get(issue.path.split(".")[0].split("[")[0])
                if row is not None and row.isEnabled():
                    row.set_error(issue.message)
                else:
                    general.append(issue.message)
            self._show_general(general)
            return False
        except ShopBuilderError as exc:  # the keyring said no, or refused the token
            self._show_general([exc.message])
            return False
        self.accept()
        return True

    def _show_general(self, messages: list[str]) -> None:
        self.general.setText("\n".join(messages))
        self.general.setVisible(bool(messages))


class PublishSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.cancellable = False  # publish and preview are; a rollback is one quick call
        # Our own flag rather than the task's: a publish that finishes although Cancel
        # came too late must still report its version, not vanish as "cancelled".
        self._cancel = threading.Event()
        title = QLabel(_("Publish"))
        title.setObjectName("sectionTitle")
        intro = QLabel(_("Uploads the shop as it is now (exported and checked first) and "
                         "makes it the live version on the target. An interrupted upload "
                         "resumes where it stopped; the same bundle never becomes a "
                         "second version."))
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.target = QComboBox()
        self.target.setMinimumContentsLength(24)
        self.target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target.currentIndexChanged.connect(self._update_buttons)
        self.add_button = QPushButton(_("Add target…"))
        self.add_button.clicked.connect(self.add_target)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove_target)
        self.preview_button = QPushButton(_("Preview changes"))
        self.preview_button.clicked.connect(self.preview)
        self.publish_button = QPushButton(_("Publish"))
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.stage = QLabel()
        self.stage.setObjectName("hint")
        self.stage.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(120)
        self.details.hide()
        self.history = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.history)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.rollback_button = QPushButton(_("Make this version live again"))
        self.rollback_button.clicked.connect(self.rollback)

        target_row = QHBoxLayout()
        target_row.addWidget(QLabel(_("Target")))
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.add_button)
        target_row.addWidget(self.remove_button)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.preview_button)
        actions.addWidget(self.publish_button)
        history_row = QHBoxLayout()
        history_title = QLabel(_("History"))
        history_title.setObjectName("sectionTitle")
        history_row.addWidget(history_title, 1)
        history_row.addWidget(self.rollback_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(target_row)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        layout.addWidget(self.details)
        layout.addLayout(history_row)
        layout.addWidget(self.table, 1)
        self.reload()

    # ------------------------------------------------------------ state

    def reload(self, select: str | None = None) -> None:
        """Targets and history from the database (small reads, on the GUI thread)."""
        from shopbuilder.publish.service import history, targets

        current = select or self.target.currentData()
        self.target.blockSignals(True)
        self.target.clear()
        for t in targets(self.ctx.workspace):
            self.target.addItem(f"{t['name']} — {t['url'] or t['folder']}", t["name"])
        found = self.target.findData(current) if current else -1
        self.target.setCurrentIndex(max(found, 0) if self.target.count() else -1)
        self.target.blockSignals(False)
        with self.ctx.workspace.session() as s:
            self.history.load(history(s, self.ctx.slug))
        if not self.target.count():
            self.stage.setText(_("Add a target first: a receiver's address, or a folder."))
        self._update_buttons()

    def target_name(self) -> str | None:
        return self.target.currentData()

    def selected_row(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.history.row(rows[0].row()) if rows else None

    def rollback_choice(self) -> tuple[str, int] | None:
        """(target, version) the selected history row can make live again."""
        row = self.selected_row()
        if row is None or row["result"] != "ok" or row["version"] is None \
                or self.history.is_live(row):
            return None
        if self.target.findData(row["target"]) < 0:  # the target was removed since
            return None
        return row["target"], int(row["version"])

    def _update_buttons(self) -> None:
        busy = self.task is not None
        has_target = self.target_name() is not None
        for button in (self.publish_button, self.preview_button, self.remove_button):
            button.setEnabled(not busy and has_target)
        self.add_button.setEnabled(not busy)
        self.target.setEnabled(not busy)
        self.rollback_button.setEnabled(not busy and self.rollback_choice() is not None)
        self.cancel_button.setVisible(busy and self.cancellable)

    # ------------------------------------------------------------ targets

    def add_target(self) -> TargetDialog:
        dialog = TargetDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._target_added(dialog.saved))
        if dialogs.no_modal():
            dialog.show()
        else:
            dialog.exec()
        return dialog

    def _target_added(self, saved: dict[str, str] | None) -> None:
        if saved is not None:
            self.reload(select=saved["name"])
            self.ctx.status(_("Target {name} saved").format(name=saved["name"]))

    def remove_target(self) -> None:
        from shopbuilder.core.errors import ShopBuilderError
        from shopbuilder.publish.service import delete_target

        name = self.target_name()
        if name is None or not dialogs.confirm(
                self, _("Remove target"),
                _("Remove target {name}? What was published there stays there; its history "
                  "stays here.").format(name=name)):
            return
        try:
            delete_target(self.ctx.workspace, name)
        except ShopBuilderError as exc:
            self.ctx.show_error(exc)
        self.reload()

    # ------------------------------------------------------------ publish, preview, rollback

    def publish(self) -> Task | None:
        return self._run(dry_run=False)

    def preview(self) -> Task | None:
        return self._run(dry_run=True)

    def _run(self, dry_run: bool) -> Task | None:
        name = self.target_name()
        if name is None or self.task is not None:
            return None
        ws, slug, cancel = self.ctx.workspace, self.ctx.slug, threading.Event()
        self._cancel = cancel

        def work(job: Job) -> dict[str, Any]:
            from shopbuilder.publish.service import publish

            return publish(ws, slug, name, dry_run=dry_run, cancel=cancel.is_set,
                           progress=lambda done, total: job.progress(done, total, "upload"))

        self.details.hide()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stage.setText(_("Checking and exporting the shop…") if not dry_run
                           else _("Comparing with the live version on {target}…").format(
                               target=name))
        self.task = run_task(work, on_result=self._published, on_error=self._failed,
                             on_progress=self._progress, on_finished=self._finished)
        self.cancellable = True
        self._update_buttons()
        return self.task

    def rollback(self) -> Task | None:
        choice = self.rollback_choice()
        if choice is None or self.task is not None:
            return None
        name, version = choice
        if not dialogs.confirm(self, _("Make this version live"), _(
                "Make version {n} the live version on {target}?").format(
                    n=version, target=name), default=True):
            return None
        ws, slug = self.ctx.workspace, self.ctx.slug

        def work(_job: Job) -> dict[str, Any]:
            from shopbuilder.publish.service import rollback

            return rollback(ws, slug, name, version)

        self.progress.setRange(0, 0)
        self.progress.show()
        self.stage.setText(_("Switching {target} to version {n}…").format(target=name,
                                                                           n=version))
        self.task = run_task(work, on_result=self._rolled_back, on_error=self._failed,
                             on_finished=self._finished)
        self.cancellable = False
        self._update_buttons()
        return self.task

    def cancel(self) -> None:
        if self.task is not None and self.cancellable:
            self._cancel.set()
            self.stage.setText(_("Cancelling after the part on its way…"))

    def _progress(self, done: int, total: int, _stage: str) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            if self._cancel.is_set():
                return  # "Cancelling…" stays until the part on its way has landed
            self.stage.setText(_("Uploading: {done} of {total} MB").format(
                done=f"{done / 1e6:.1f}", total=f"{total / 1e6:.1f}"))

    def _published(self, result: dict[str, Any]) -> None:
        target = result["target"]
        if result["dry_run"]:
            active = result["active_version"]
            if active is None:
                self.stage.setText(_("Nothing is live on {target} yet: publishing makes "
                                     "this the first version.").format(target=target))
            elif result["same_as_active"]:
                self.stage.setText(_("Version {n} on {target} is already exactly this "
                                     "shop: nothing to publish.").format(n=active,
                                                                        target=target))
            else:
                self.stage.setText(_("Changes against version {n} on {target}:").format(
                    n=active, target=target))
                self.details.setPlainText(result["diff_text"])
                self.details.show()
            return
        if result["new_version"]:
            text = _("Version {n} is live on {target}.").format(n=result["version"],
                                                                target=target)
            if result["parts_skipped"]:
                text += " " + _("(Resumed: {n} parts were already there.)").format(
                    n=result["parts_skipped"])
        else:
            text = _("{target} already had this bundle as version {n}; it is live "
                     "again.").format(n=result["version"], target=target)
        self.stage.setText(text)
        self.ctx.status(text)

    def _rolled_back(self, result: dict[str, Any]) -> None:
        text = _("Version {n} is live on {target} again.").format(
            n=result["active_version"], target=result["target"])
        self.stage.setText(text)
        self.ctx.status(text)

    def _failed(self, error: BaseException) -> None:
        from shopbuilder.core.errors import ShopBuilderError
        from shopbuilder.publish.client import PublishCancelled

        if isinstance(error, PublishCancelled):
            self.stage.setText(_("Upload cancelled. Publishing again resumes where it "
                                 "stopped."))
            return
        if not isinstance(error, ShopBuilderError):
            raise error
        self.stage.setText(_("Not published: {reason}").format(
            reason=dialogs.error_text(error)))
        self.ctx.show_error(error, _("Publishing failed"))

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self.reload()

    def refresh(self) -> None:
        if self.task is None:
            self.reload()


def create_section(ctx: SectionContext) -> QWidget:
    return PublishSection(ctx)
