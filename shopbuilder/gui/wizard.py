"""The one-click shop wizard: step 1 brand, step 2 products, Finish → a complete shop.

The shop is built by `shopbuilder.quickstart.create_quick_shop` in a worker (importing
a sheet can take a while); the wizard stays open with a progress line until it is done,
and shows the service's message beside the field if something is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.core.theme import palette_from_image
from shopbuilder.gui import dialogs
from shopbuilder.gui.forms import ColorField, FieldRow, ImageField, discard
from shopbuilder.gui.workers import Job, Task, run_task
from shopbuilder.i18n import _
from shopbuilder.quickstart import QuickStart, QuickStartResult, create_quick_shop

SHEET_FILTER = "Spreadsheets (*.xlsx *.csv)"


class BrandStep(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Step 1 of 2: your brand"))
        self.setSubTitle(_("A name and a colour are enough; everything can be changed later."))
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.name.setPlaceholderText(_("e.g. 山川生活馆"))
        self.slogan = QLineEdit()
        self.slogan.setMaxLength(120)
        self.client = QLineEdit()
        self.client.setMaxLength(60)
        self.client.setPlaceholderText(_("optional: agencies group shops by client"))
        self.logo = ImageField(88)
        self.logo.sig_choose.connect(self._choose_logo)
        self.logo.sig_clear.connect(lambda: self.set_logo(None))
        self.logo_data: bytes | None = None
        self.logo_name = "logo.png"
        self.color = ColorField()
        self.color.set_text("#E4393C")
        self.palette = QHBoxLayout()
        self.palette_hint = QLabel(_("Colours from the logo:"))
        self.palette_hint.setObjectName("hint")
        self.palette_hint.hide()
        palette_row = QHBoxLayout()
        palette_row.addWidget(self.palette_hint)
        palette_row.addLayout(self.palette)
        palette_row.addStretch(1)
        self.rows = {"name": FieldRow(self.name), "slogan": FieldRow(self.slogan),
                     "client": FieldRow(self.client),
                     "logo": FieldRow(self.logo), "primary_color": FieldRow(self.color)}
        form = QFormLayout(self)
        form.addRow(_("Shop name *"), self.rows["name"])
        form.addRow(_("Slogan"), self.rows["slogan"])
        form.addRow(_("Client"), self.rows["client"])
        form.addRow(_("Logo"), self.rows["logo"])
        form.addRow(_("Brand colour"), self.rows["primary_color"])
        form.addRow("", palette_row)
        self.name.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.name.text().strip())

    def _choose_logo(self) -> None:
        if dialogs.no_modal():
            return
        name, _f = QFileDialog.getOpenFileName(self, _("Choose the logo"), "",
                                               "Images (*.png *.jpg *.jpeg *.webp)")
        if name:
            self.set_logo_file(Path(name))

    def set_logo_file(self, path: Path) -> None:
        self.logo_name = path.name
        self.set_logo(path.read_bytes())

    def set_logo(self, data: bytes | None) -> None:
        self.logo_data = data
        self.logo.set_image(data)
        while self.palette.count():
            discard(self.palette.takeAt(0).widget())
        try:
            colors = palette_from_image(data) if data else []
        except Exception:  # not a picture: the service will say so on Finish
            colors = []
        self.rows["logo"].set_error("" if not data or colors or _is_image(data)
                                    else _("this file is not a picture"))
        for color in colors:
            button = QToolButton()
            button.setFixedSize(24, 24)
            button.setProperty("color", color)
            button.setToolTip(color)
            button.setStyleSheet(f"QToolButton {{ background: {color}; "
                                 "border: 1px solid #9CA3AF; border-radius: 4px; }")
            button.clicked.connect(lambda _c=False, c=color: self.color.choose(c))
            self.palette.addWidget(button)
        self.palette_hint.setVisible(bool(colors))
        if colors:
            self.color.choose(colors[0])

    def palette_colors(self) -> list[str]:
        return [self.palette.itemAt(i).widget().property("color")
                for i in range(self.palette.count())]


def _is_image(data: bytes) -> bool:
    from shopbuilder.core.assets import sniff

    try:
        return sniff(data).width is not None
    except ShopBuilderError:
        return False


class ProductsStep(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Step 2 of 2: products"))
        self.setSubTitle(_("Start from sample products to see the shop at once, or import "
                           "your own sheet."))
        self.demo = QRadioButton(_("Start with the sample products (you can delete them later)"))
        self.sheet = QRadioButton(_("Import a spreadsheet (.xlsx or .csv)"))
        self.none = QRadioButton(_("No products yet"))
        self.demo.setChecked(True)
        self.group = QButtonGroup(self)
        for button in (self.demo, self.sheet, self.none):
            self.group.addButton(button)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(_("no file chosen"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        file_widget = QWidget()
        file_widget.setLayout(file_row)
        self.sheet_row = FieldRow(file_widget)
        self.preview = QLabel()
        self.preview.setObjectName("hint")
        self.preview.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.demo)
        layout.addWidget(self.sheet)
        layout.addWidget(self.sheet_row)
        layout.addWidget(self.preview)
        layout.addWidget(self.none)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        self.sheet_path: Path | None = None

    def _browse(self) -> None:
        if dialogs.no_modal():
            return
        name, _f = QFileDialog.getOpenFileName(self, _("Choose the sheet"), "", SHEET_FILTER)
        if name:
            self.set_sheet(Path(name))

    def set_sheet(self, path: Path) -> None:
        """Remember the sheet and show what the catalog import detects in it."""
        self.sheet.setChecked(True)
        self.sheet_path = path
        self.path.setText(str(path))
        self.sheet_row.set_error("")
        try:
            from shopbuilder.catalog.importer import detect
        except ImportError:
            self.preview.setText("")
            return
        try:
            preview = detect(path)
        except ShopBuilderError as exc:
            self.sheet_row.set_error(exc.message)
            self.preview.setText("")
            return
        text = _("{format} sheet, {rows} rows, {columns} columns").format(
            format=preview.format, rows=preview.row_count, columns=len(preview.headers))
        if preview.unknown_columns:
            text += "\n" + _("Not imported: {names}").format(
                names=", ".join(preview.unknown_columns))
        self.preview.setText(text)

    def source(self) -> str:
        return "sheet" if self.sheet.isChecked() else "none" if self.none.isChecked() \
            else "demo"


class ShopWizard(QWizard):
    sig_created = Signal(str)  # the new shop's slug

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(_("New shop"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Create the shop"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        self.brand = BrandStep()
        self.products = ProductsStep()
        self.addPage(self.brand)
        self.addPage(self.products)
        self.task: Task | None = None
        self.result_data: QuickStartResult | None = None
        self.resize(720, 520)

    def data(self) -> QuickStart:
        from shopbuilder.core import settings
        from shopbuilder.gui.main_window import suggest_slug

        with self.workspace.session() as s:
            existing = {shop.slug for shop in shop_svc.list_shops(s)}
        name = self.brand.name.text().strip()
        return QuickStart(
            name=name, slug=suggest_slug(existing, name), slogan=self.brand.slogan.text(),
            logo=self.brand.logo_data, logo_name=self.brand.logo_name,
            primary_color=self.brand.color.text().upper() or "#E4393C",
            products=self.products.source(), sheet=self.products.sheet_path,
            client=self.brand.client.text().strip(),
            time_zone=settings.load()["time_zone"])

    def accept(self) -> None:
        """Finish: build the shop in the background; close when it exists."""
        if self.task is not None:
            return
        data = self.data()
        ws = self.workspace
        self.products.progress.setRange(0, 0)
        self.products.progress.show()
        self.products.status.setText(_("Creating the shop…"))
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)

        def work(job: Job) -> QuickStartResult:
            return create_quick_shop(ws, data, progress=lambda stage, d, t: job.progress(
                d, t, stage), cancel=job.is_cancelled)

        self.task = run_task(work, on_result=self._done, on_error=self._failed,
                             on_progress=self._progress)
        self.task.sig_cancelled.connect(lambda: self._failed(None))

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
            return
        super().reject()

    def _progress(self, done: int, total: int, text: str) -> None:
        self.products.progress.setRange(0, max(total, 0))
        self.products.progress.setValue(done)
        if text:
            self.products.status.setText(text)

    def _done(self, result: QuickStartResult) -> None:
        self.task = None
        self.result_data = result
        self.products.progress.hide()
        self.sig_created.emit(result.slug)
        super().accept()

    def _failed(self, error: BaseException | None) -> None:
        self.task = None
        self.products.progress.hide()
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        if error is None or type(error).__name__.endswith("Cancelled"):  # ours or the import's
            self.products.status.setText(_("Cancelled; no shop was created."))
            return
        if not isinstance(error, ShopBuilderError):
            raise error  # a bug: the crash dialog takes it
        self.products.status.setText("")
        self.show_error(error)

    def show_error(self, error: ShopBuilderError) -> None:
        rows: dict[str, Any] = {**self.brand.rows, "sheet": self.products.sheet_row}
        rows["brand_name"] = rows["name"]
        issues = error.issues if isinstance(error, ValidationError) else []
        placed = False
        for issue in issues:
            row = rows.get(issue.path.split(".")[0].split("[")[0])
            if row is not None:
                row.set_error(issue.message)
                placed = True
                if row is not self.products.sheet_row:
                    self.restart()
        if not placed:
            self.products.status.setText(_("The shop could not be created: {error}").format(
                error=dialogs.error_text(error)))


def open_wizard(window: Any) -> ShopWizard:
    """From the main window (File → New shop): the new shop is selected when done."""
    wizard = ShopWizard(window.workspace, window)
    wizard.sig_created.connect(lambda slug: window.reload_shops(select=slug))
    wizard.sig_created.connect(lambda slug: window.bus.sig_status.emit(
        _("Created shop {slug}").format(slug=slug)))
    window.wizard = wizard
    if dialogs.no_modal():
        wizard.show()
    else:
        wizard.open()
    return wizard
