"""The Posters section: pick a template and a product or campaign, see the poster at
phone scale (rendered off the GUI thread), and batch-generate into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.gui import dialogs
from shopbuilder.gui.sections import SectionContext
from shopbuilder.gui.workers import Job, Task, run_task
from shopbuilder.i18n import N_, _

KIND_LABELS = {"product": N_("product"), "group_buy": N_("group-buy"), "bargain": N_("bargain"),
               "flash_sale": N_("flash sale"), "coupon": N_("coupon"), "shop": N_("shop")}
PHONE_WIDTH = 300  # the preview at roughly the size a phone shows it


class PostersSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview_task: Task | None = None
        self.batch_task: Task | None = None
        self.batch_result: Any = None
        self.template = QComboBox()
        self.target = QComboBox()
        self.template.currentIndexChanged.connect(self._template_changed)
        self.target.currentIndexChanged.connect(lambda _i: self.render_preview())
        self.preview = QLabel(_("No preview yet"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedWidth(PHONE_WIDTH + 20)
        self.preview.setMinimumHeight(480)
        self.preview.setStyleSheet("QLabel { background: #F3F4F6; border-radius: 8px; }")
        self.preview_error = QLabel()
        self.preview_error.setObjectName("error")
        self.preview_error.setWordWrap(True)

        self.folder = QLineEdit(str(Path(platformdirs.user_pictures_dir()) / "shopbuilder"
                                    / ctx.slug))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        self.with_campaigns = QCheckBox(_("Also campaigns and coupons"))
        self.with_campaigns.setChecked(True)
        self.generate_button = QPushButton(_("Generate posters"))
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.batch_status = QLabel()
        self.batch_status.setWordWrap(True)
        self.open_button = QPushButton(_("Show in folder"))
        self.open_button.clicked.connect(self.show_in_folder)
        self.open_button.hide()

        form = QFormLayout()
        form.addRow(_("Template"), self.template)
        form.addRow(_("Product or campaign"), self.target)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        batch_title = QLabel(_("Batch"))
        batch_title.setObjectName("sectionTitle")
        left = QVBoxLayout()
        title = QLabel(_("Poster"))
        title.setObjectName("sectionTitle")
        left.addWidget(title)
        left.addLayout(form)
        left.addWidget(self.preview_error)
        left.addSpacing(16)
        left.addWidget(batch_title)
        left.addWidget(QLabel(_("Every on-shelf product into this folder:")))
        left.addLayout(folder_row)
        left.addWidget(self.with_campaigns)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.generate_button)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.batch_status)
        left.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addSpacing(16)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        self.load()

    # ------------------------------------------------------------ choices

    def load(self) -> None:
        from shopbuilder.posters import list_templates

        with self.ctx.workspace.session() as s:
            templates = list_templates(s, self.ctx.slug)
        self.template.blockSignals(True)
        self.template.clear()
        for row in templates:
            kind = _(KIND_LABELS.get(row["kind"], row["kind"]))
            label = row["name"] if kind in row["name"] else f"{row['name']} ({kind})"
            self.template.addItem(label, (row["id"], row["kind"]))
        self.template.blockSignals(False)
        self._template_changed()

    def _template_changed(self) -> None:
        from shopbuilder.core.services.products import list_products
        from shopbuilder.promotions.coupons import list_coupons
        from shopbuilder.promotions.display import list_campaigns

        data = self.template.currentData()
        if data is None:
            return
        kind = data[1]
        self.target.blockSignals(True)
        self.target.clear()
        with self.ctx.workspace.session() as s:
            if kind == "product":
                for p in list_products(s, self.ctx.slug):
                    self.target.addItem(f"{p.title} · {p.code}", ("product", p.code))
            elif kind == "coupon":
                for c in list_coupons(s, self.ctx.slug):
                    self.target.addItem(f"{c.name} · {c.key}", ("campaign", c.key))
            elif kind != "shop":
                for camp in list_campaigns(s, self.ctx.slug):
                    if camp.kind == kind:
                        self.target.addItem(f"{camp.title} · {camp.key}", ("campaign", camp.key))
        self.target.setEnabled(kind != "shop")
        self.target.blockSignals(False)
        self.render_preview()

    # ------------------------------------------------------------ preview

    def render_preview(self) -> Task | None:
        from shopbuilder.posters import encode, render_poster

        template = self.template.currentData()
        if template is None:
            return None
        target = self.target.currentData()
        if template[1] != "shop" and target is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("Nothing to show: add a product or campaign first."))
            return None
        product = target[1] if target and target[0] == "product" else None
        campaign = target[1] if target and target[0] == "campaign" else None
        ws, slug = self.ctx.workspace, self.ctx.slug

        def work(_job: Job) -> bytes:
            image = render_poster(ws, slug, template[0], product_code=product,
                                  campaign_key=campaign)
            image.thumbnail((PHONE_WIDTH * 2, PHONE_WIDTH * 4))
            return encode(image, "png")

        self.preview_error.setText("")
        self.preview_task = run_task(work, on_result=self._show_preview,
                                     on_error=self._preview_failed)
        return self.preview_task

    def _show_preview(self, png: bytes) -> None:
        image = QImage.fromData(png)  # PIL bytes become a QImage on the GUI thread
        pixmap = QPixmap.fromImage(image).scaledToWidth(
            PHONE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def _preview_failed(self, error: BaseException) -> None:
        if not isinstance(error, ShopBuilderError):
            raise error
        self.preview.setPixmap(QPixmap())
        self.preview.setText(_("No preview"))
        self.preview_error.setText(dialogs.error_text(error))

    # ------------------------------------------------------------ batch

    def _browse(self) -> None:
        if dialogs.no_modal():
            return
        name = QFileDialog.getExistingDirectory(self, _("Choose a folder"), self.folder.text())
        if name:
            self.folder.setText(name)

    def generate(self) -> Task:
        from shopbuilder.posters import render_batch

        ws, slug = self.ctx.workspace, self.ctx.slug
        out, campaigns = Path(self.folder.text().strip()), self.with_campaigns.isChecked()

        def work(job: Job) -> Any:
            return render_batch(ws, slug, out, campaigns=campaigns, products="all",
                                progress=lambda d, t: job.progress(d, t),
                                cancel=job.is_cancelled)

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.generate_button.setEnabled(False)
        self.open_button.hide()
        self.batch_status.setText(_("Generating…"))
        self.batch_task = run_task(work, on_result=self._generated, on_error=self._failed,
                                   on_progress=self._progress, on_finished=self._finished)
        return self.batch_task

    def cancel(self) -> None:
        if self.batch_task is not None:
            self.batch_task.cancel()

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        self.batch_status.setText(_("Generating {done} of {total}…").format(done=done,
                                                                           total=total))

    def _generated(self, result: Any) -> None:
        self.batch_result = result
        if result.cancelled:
            self.batch_status.setText(_("Cancelled after {n} posters.").format(
                n=len(result.written)))
        else:
            text = _("{n} posters written to {folder}").format(n=len(result.written),
                                                               folder=result.out_dir)
            if result.failed:
                text += "\n" + _("{n} failed: {first}").format(
                    n=len(result.failed), first=result.failed[0].error)
            self.batch_status.setText(text)
        self.open_button.show()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ShopBuilderError):
            raise error
        self.batch_status.setText(dialogs.error_text(error))

    def _finished(self) -> None:
        self.batch_task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.generate_button.setEnabled(True)

    def show_in_folder(self) -> None:
        if self.batch_result is not None and not dialogs.no_modal():
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.batch_result.out_dir))

    def refresh(self) -> None:
        if self.batch_task is None:
            self.render_preview()


def create_section(ctx: SectionContext) -> QWidget:
    return PostersSection(ctx)
