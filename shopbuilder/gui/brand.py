"""The Brand section: name, slogan, logo, colours → theme tokens with contrast checks,
share title and the 5:4 share image. Every change is one `BrandEdit` on the undo stack."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.commands import BrandEdit
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.imagecrop import crop_image
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.services.assets import add_asset, add_asset_file
from shopbuilder.core.theme import Theme, contrast_checks, derive_theme, palette_from_image
from shopbuilder.core.validation import COLOR_RE
from shopbuilder.gui import dialogs
from shopbuilder.gui.forms import ColorField, FieldRow, ImageField, discard
from shopbuilder.gui.sections import SectionContext
from shopbuilder.i18n import N_, _

TOKEN_LABELS = {"primary": N_("Primary"), "secondary": N_("Secondary"), "price": N_("Price"),
                "button": N_("Button"), "button_text": N_("Button text"),
                "background": N_("Background"), "text": N_("Text")}
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif)"


class ThemePreview(QWidget):
    """A phone-width sketch of the shop in the theme's colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = derive_theme("#E4393C", "#333333")
        self.title = ""
        self.setFixedSize(240, 300)

    def set_theme(self, theme: Theme, title: str) -> None:
        self.theme, self.title = theme, title
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = self.theme
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor("#D1D5DB"))
        p.setBrush(QColor(t.background))
        p.drawRoundedRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1), 14, 14)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(t.primary))
        p.drawRoundedRect(QRectF(0, 0, self.width(), 52), 14, 14)
        p.drawRect(QRectF(0, 30, self.width(), 22))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(t.button_text))
        p.drawText(QRectF(12, 0, self.width() - 24, 52), Qt.AlignmentFlag.AlignVCenter,
                   self.title or _("Shop name"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#F3F4F6"))
        p.drawRoundedRect(QRectF(14, 66, 212, 110), 8, 8)
        p.setPen(QColor(t.text))
        font.setBold(False)
        p.setFont(font)
        p.drawText(QRectF(14, 184, 212, 20), _("Product title"))
        font.setBold(True)
        font.setPointSize(font.pointSize() + 3)
        p.setFont(font)
        p.setPen(QColor(t.price))
        p.drawText(QRectF(14, 206, 120, 28), Qt.AlignmentFlag.AlignVCenter, "¥79.00")
        p.setPen(QColor(t.secondary))
        font.setPointSize(font.pointSize() - 3)
        font.setBold(False)
        p.setFont(font)
        p.drawText(QRectF(120, 206, 106, 28),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, _("In stock"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(t.button))
        p.drawRoundedRect(QRectF(14, 246, 212, 38), 19, 19)
        p.setPen(QColor(t.button_text))
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(14, 246, 212, 38), Qt.AlignmentFlag.AlignCenter, _("Buy now"))


class BrandSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = False
        self.rows: dict[str, FieldRow] = {}
        self.brand_name = self._line("brand_name", 60)
        self.slogan = self._line("slogan", 120)
        self.share_title = self._line("share_title", 60)
        self.licence_company = self._line("licence_company", 120)
        self.licence_number = self._line("licence_number", 18)
        self.primary = self._color("primary_color")
        self.secondary = self._color("secondary_color")
        self.logo = ImageField(96)
        self.logo.sig_choose.connect(lambda: self._choose_file(self.set_logo_file))
        self.logo.sig_clear.connect(lambda: self.commit("logo_asset", None))
        self.rows["logo_asset"] = FieldRow(self.logo)
        self.palette_box = QHBoxLayout()
        self.palette_box.setSpacing(4)
        palette_row = QWidget()
        palette_layout = QHBoxLayout(palette_row)
        palette_layout.setContentsMargins(0, 0, 0, 0)
        self.palette_label = QLabel(_("From the logo:"))
        self.palette_label.setObjectName("hint")
        palette_layout.addWidget(self.palette_label)
        palette_layout.addLayout(self.palette_box)
        palette_layout.addStretch(1)
        self.share_image = ImageField(120)
        self.share_image.sig_choose.connect(lambda: self._choose_file(self.set_share_image_file))
        self.share_image.sig_clear.connect(lambda: self.commit("share_image_asset", None))
        self.rows["share_image_asset"] = FieldRow(
            self.share_image, _("Cropped to 5:4, as WeChat shows it in chats."))
        self.licence_on_home = QCheckBox(_("Show the business licence on the home page"))
        self.licence_on_home.toggled.connect(
            lambda on: self.commit("licence_on_home", on) if not self._loading else None)
        self.rows["licence_on_home"] = FieldRow(self.licence_on_home)

        identity = self._group(_("Identity"), [
            (_("Brand name"), "brand_name"), (_("Slogan"), "slogan"), (_("Logo"), "logo_asset")])
        identity.layout().addRow("", palette_row)
        colours = self._group(_("Colours"), [
            (_("Primary colour"), "primary_color"), (_("Secondary colour"), "secondary_color")])
        share = self._group(_("Sharing"), [
            (_("Share title"), "share_title"), (_("Share image"), "share_image_asset")])
        licence = self._group(_("Business licence"), [
            (_("Company"), "licence_company"), (_("Credit code"), "licence_number"),
            ("", "licence_on_home")])
        form = QWidget()
        form_layout = QVBoxLayout(form)
        for group in (identity, colours, share, licence):
            form_layout.addWidget(group)
        form_layout.addStretch(1)
        form.setMaximumWidth(680)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form)

        self.preview = ThemePreview()
        self.checks = QLabel()
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.checks.setWordWrap(True)
        side = QVBoxLayout()
        title = QLabel(_("Theme preview"))
        title.setObjectName("sectionTitle")
        side.addWidget(title)
        side.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        checks_title = QLabel(_("Contrast (WCAG AA)"))
        checks_title.setObjectName("sectionTitle")
        side.addWidget(checks_title)
        side.addWidget(self.checks)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(320)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(side_widget)
        self.load()
        ctx.bus.sig_data_changed.connect(self._data_changed)

    # ------------------------------------------------------------ building

    def _line(self, field: str, max_len: int) -> QLineEdit:
        line = QLineEdit()
        line.setMaxLength(max_len)
        line.editingFinished.connect(lambda: self.commit(field, line.text()))
        self.rows[field] = FieldRow(line)
        return line

    def _color(self, field: str) -> ColorField:
        color = ColorField()
        color.sig_committed.connect(lambda text: self.commit(field, text))
        color.sig_edited.connect(lambda _text: self.update_theme())
        self.rows[field] = FieldRow(color)
        return color

    def _group(self, title: str, rows: list[tuple[str, str]]) -> QGroupBox:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, field in rows:
            form.addRow(label, self.rows[field])
        return group

    # ------------------------------------------------------------ data

    def current(self) -> shop_svc.BrandData:
        with self.ctx.workspace.session() as s:
            return shop_svc.brand_of(shop_svc.get_shop(s, self.ctx.slug))

    def _asset(self, sha: str | None) -> bytes | None:
        if not sha or not self.ctx.workspace.assets.has(sha):
            return None
        return self.ctx.workspace.assets.read(sha)

    def load(self) -> None:
        brand = self.current()
        self._loading = True
        try:
            for field in ("brand_name", "slogan", "share_title", "licence_company",
                          "licence_number"):
                getattr(self, field).setText(getattr(brand, field))
            self.primary.set_text(brand.primary_color)
            self.secondary.set_text(brand.secondary_color)
            self.licence_on_home.setChecked(brand.licence_on_home)
            logo = self._asset(brand.logo_asset)
            self.logo.set_image(logo)
            self.share_image.set_image(self._asset(brand.share_image_asset))
            self.show_palette(palette_from_image(logo) if logo else [])
        finally:
            self._loading = False
        for row in self.rows.values():
            row.set_error("")
        self.update_theme()

    def refresh(self) -> None:
        self.load()

    def _data_changed(self, slug: str, _what: str) -> None:
        if slug == self.ctx.slug:
            self.load()

    def commit(self, field: str, value: Any) -> bool:
        """Save one field through the undo stack; an error shows beside the field."""
        if self._loading:
            return False
        before = self.current()
        if isinstance(value, str) and field not in ("logo_asset", "share_image_asset"):
            value = value.strip()
            if field.endswith("_color"):
                value = value.upper()
        after = replace(before, **{field: value})
        if after == before:
            self.rows[field].set_error("")
            return True
        try:
            self.ctx.try_push(BrandEdit(self.ctx.slug, before, after,
                                        label=_("edit {field}").format(field=field)))
        except ValidationError as exc:
            self.show_errors(exc)
            return False
        self.ctx.status(_("Saved"))
        return True

    def show_errors(self, error: ValidationError) -> None:
        for issue in error.issues:
            row = self.rows.get(issue.path.split(".")[0].split("[")[0])
            if row is not None:
                row.set_error(issue.message)
            else:
                self.ctx.show_error(error)

    # ------------------------------------------------------------ theme

    def theme(self) -> Theme | None:
        primary, secondary = self.primary.text(), self.secondary.text()
        if not (COLOR_RE.match(primary) and COLOR_RE.match(secondary)):
            return None
        return derive_theme(primary, secondary)

    def update_theme(self) -> None:
        theme = self.theme()
        if theme is None:
            self.checks.setText(_("Type colours as #RRGGBB to see the theme."))
            return
        self.preview.set_theme(theme, self.brand_name.text())
        rows = []
        for check in contrast_checks(theme):
            mark = ("<span style='color:#067647'>✓</span>" if check.ok
                    else "<span style='color:#B42318'>✗</span>")
            rows.append(f"<tr><td>{mark}</td><td>{_(check.label)}</td>"
                        f"<td align='right'>{check.ratio:.1f}:1</td>"
                        f"<td align='right' style='color:#6B7280'>≥ {check.minimum:.1f}</td></tr>")
        tokens = "".join(
            f"<tr><td><span style='color:{value}; font-size:16px'>■</span></td>"
            f"<td>{_(TOKEN_LABELS[name])}</td><td><code>{value}</code></td></tr>"
            for name, value in theme.as_json().items())
        tokens_title = _("Theme tokens")
        self.checks.setText(
            "<table cellspacing='0' cellpadding='3'>" + "".join(rows) + "</table>"
            f"<p style='margin-top:10px'><b>{tokens_title}</b></p>"
            "<table cellspacing='0' cellpadding='2'>" + tokens + "</table>")

    def show_palette(self, colors: list[str]) -> None:
        while self.palette_box.count():
            item = self.palette_box.takeAt(0)
            if item.widget() is not None:
                discard(item.widget())
        for color in colors:
            button = QToolButton()
            button.setFixedSize(24, 24)
            button.setToolTip(_("Use {color} as the primary colour").format(color=color))
            button.setStyleSheet(f"QToolButton {{ background: {color}; border: 1px solid "
                                 "#9CA3AF; border-radius: 4px; }")
            button.clicked.connect(lambda _c=False, c=color: self.primary.choose(c))
            button.setProperty("color", color)
            self.palette_box.addWidget(button)
        self.palette_label.setVisible(bool(colors))

    def palette_buttons(self) -> list[QToolButton]:
        return [self.palette_box.itemAt(i).widget() for i in range(self.palette_box.count())]

    # ------------------------------------------------------------ files

    def _choose_file(self, handler: Any) -> None:
        if dialogs.no_modal():
            return
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose a picture"), "",
                                                    IMAGE_FILTER)
        if name:
            handler(Path(name))

    def set_logo_file(self, path: Path) -> bool:
        try:
            with self.ctx.workspace.session() as s:
                sha = add_asset_file(s, path, "logo_asset").sha256
        except ValidationError as exc:
            self.show_errors(exc)
            return False
        return self.commit("logo_asset", sha)

    def set_share_image_file(self, path: Path) -> bool:
        from shopbuilder.core import settings
        from shopbuilder.gui.crop_dialog import CropDialog

        try:
            data = path.read_bytes()
        except OSError as exc:
            self.rows["share_image_asset"].set_error(str(exc))
            return False
        box = None
        if not dialogs.no_modal():
            dialog = CropDialog(data, self)
            if not dialog.exec():
                return False
            box = dialog.box()
        try:
            cropped = crop_image(data, box, quality=settings.load()["image_quality"])
            with self.ctx.workspace.session() as s:
                sha = add_asset(s, cropped, path.stem + "-share.jpg", "share_image_asset").sha256
        except ValidationError as exc:
            self.show_errors(exc)
            return False
        return self.commit("share_image_asset", sha)

    def focus_search(self) -> None:
        self.brand_name.setFocus()

    def open_path(self, path: str) -> None:
        """A finding's location (``shop.share.image``, ``brand.primary_color`` …): focus
        the field it names."""
        words = path.replace("[", ".").split(".")
        aliases = {"image": "share_image_asset", "title": "share_title", "logo": "logo_asset",
                   "name": "brand_name", "licence": "licence_company", "color": "primary_color"}
        for word in reversed(words):
            field = word if word in self.rows else aliases.get(word)
            if field in self.rows:
                editor = self.rows[field].editor
                (editor.line if isinstance(editor, ColorField) else editor).setFocus()
                return


def create_section(ctx: SectionContext) -> QWidget:
    return BrandSection(ctx)
