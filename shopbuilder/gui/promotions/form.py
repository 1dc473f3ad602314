"""An editor form built from a promotions dataclass (CouponData, GroupBuyData …).

Field kinds come from the dataclass annotations plus two small tables (which fields are
money, which are choices), so a field added to the core shows up here. Text is parsed
field by field (bad money → message beside that field); the rules are the core's.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from shopbuilder.core.errors import Collector, ValidationError
from shopbuilder.core.money import format_money, parse_money
from shopbuilder.core.timeutil import parse_local, to_local
from shopbuilder.gui.forms import FieldRow
from shopbuilder.i18n import N_, _

MONEY = {"threshold", "cap", "floor_price", "start_price", "sku_prices", "leader_prices"}
CHOICES: dict[str, tuple[str, ...]] = {}
LABELS = {
    "name": N_("Name"), "title": N_("Title"), "kind": N_("Kind"),
    "value": N_("Value (¥ off, or % off)"), "threshold": N_("Minimum spend (¥)"),
    "cap": N_("Maximum discount (¥)"), "scope": N_("Applies to"),
    "scope_items": N_("Categories or product codes"), "use_mode": N_("Valid"),
    "claim_starts_at": N_("Claim from"), "claim_ends_at": N_("Claim until"),
    "use_starts_at": N_("Use from"), "use_ends_at": N_("Use until"),
    "use_days": N_("Days valid after claiming"), "total": N_("Total issued"),
    "per_user": N_("Per customer"), "per_user_per_day": N_("Per customer per day"),
    "obtain": N_("How customers get it"), "redeem_code": N_("Redeem code"),
    "stack_coupons": N_("Combinable with other coupons"),
    "stack_campaigns": N_("Combinable with campaigns"),
    "loss_leader": N_("Deliberate loss leader"), "allow_overlap": N_("May overlap others"),
    "key": N_("Key"), "sort_order": N_("Sort order"), "product_code": N_("Product code"),
    "sku_code": N_("SKU code"), "sku_prices": N_("Price per SKU (SKU = ¥)"),
    "leader_prices": N_("Leader price per SKU (SKU = ¥)"),
    "sku_stock": N_("Stock per SKU (SKU = n)"), "starts_at": N_("Starts"),
    "ends_at": N_("Ends"), "group_size": N_("Group size"), "fill_hours": N_("Hours to fill"),
    "per_user_limit": N_("Limit per customer"), "per_order_limit": N_("Limit per order"),
    "new_users_only": N_("New customers only"), "auto_complete": N_("Auto-complete groups"),
    "auto_complete_pct": N_("Auto-complete at % filled"), "floor_price": N_("Floor price (¥)"),
    "helpers": N_("Friends needed"), "stock": N_("Stock"),
    "start_price": N_("Start price (¥, empty: the SKU price)"),
    "finish_hours": N_("Hours to finish"), "starts_per_user": N_("Starts per customer"),
    "helps_per_user": N_("Helps per customer"), "pay_condition": N_("Pay when"),
    "seed": N_("Cut plan seed"), "slots": N_("Daily slots (10:00-12:00, 20:00-22:00)"),
}
HIDDEN = {"sort_order"}
CHOICE_LABELS = {
    "amount": N_("amount off (满减)"), "percent": N_("percent off (折扣)"),
    "shop": N_("the whole shop"), "categories": N_("some categories"),
    "products": N_("some products"), "exclude": N_("all but some products"),
    "fixed": N_("fixed dates"), "days": N_("N days from claiming"),
    "days_next": N_("N days from the next day"), "claim": N_("claim (领取)"),
    "new_user": N_("gift to new customers (新人礼)"), "code": N_("redeem code (兑换码)"),
    "channel": N_("mini-program only (专享)"), "floor": N_("at the floor price"),
    "current": N_("at any price reached"),
}
ORDER = ("key", "name", "title", "kind", "value", "threshold", "cap", "product_code",
         "sku_code", "sku_prices", "leader_prices", "floor_price", "start_price", "helpers",
         "starts_at", "ends_at", "slots")
TIME_FORMAT = "%Y-%m-%d %H:%M"


def _choices() -> dict[str, tuple[str, ...]]:
    if not CHOICES:
        from shopbuilder.core.models import (
            COUPON_KINDS,
            COUPON_OBTAIN,
            COUPON_SCOPES,
            COUPON_USE_MODES,
        )
        from shopbuilder.promotions.rules import PAY_CONDITIONS

        CHOICES.update(kind=COUPON_KINDS, scope=COUPON_SCOPES, use_mode=COUPON_USE_MODES,
                       obtain=COUPON_OBTAIN, pay_condition=PAY_CONDITIONS)
    return CHOICES


def _kind(name: str, annotation: str) -> str:
    if name in _choices():
        return "choice"
    base = annotation.replace(" | None", "")
    if base == "bool":
        return "bool"
    if base == "datetime":
        return "datetime"
    if base.startswith("dict"):
        return "money_map" if name in MONEY else "int_map"
    if base.startswith("list[tuple"):
        return "slots"
    if base.startswith("list"):
        return "list"
    if name in MONEY:
        return "money"
    if base == "int":
        return "money_or_int" if name == "value" else "int"
    return "text"


class PromoForm(QWidget):
    sig_edited = Signal()

    def __init__(self, data_type: type, time_zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_type, self.time_zone = data_type, time_zone
        self.fields = sorted((f for f in dataclasses.fields(data_type) if f.name not in HIDDEN),
                             key=lambda f: ORDER.index(f.name) if f.name in ORDER else 99)
        self.kinds = {f.name: _kind(f.name, str(f.type)) for f in self.fields}
        self.optional = {f.name for f in self.fields if "None" in str(f.type)}
        self.editors: dict[str, QWidget] = {}
        self.rows: dict[str, FieldRow] = {}
        self._loading = False
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in self.fields:
            editor = self._editor(f.name, self.kinds[f.name])
            self.editors[f.name] = editor
            self.rows[f.name] = FieldRow(editor)
            layout.addRow(_(LABELS.get(f.name, f.name)), self.rows[f.name])

    def _editor(self, name: str, kind: str) -> QWidget:
        if kind == "bool":
            box = QCheckBox()
            box.toggled.connect(self._edited)
            return box
        if kind == "choice":
            combo = QComboBox()
            for choice in _choices()[name]:
                combo.addItem(_(CHOICE_LABELS.get(choice, choice)), choice)
            combo.currentIndexChanged.connect(self._edited)
            return combo
        if kind.endswith("_map"):
            text = QPlainTextEdit()
            text.setFixedHeight(84)
            text.textChanged.connect(self._edited)
            return text
        line = QLineEdit()
        if kind == "datetime":
            line.setPlaceholderText("2026-06-18 10:00")
        line.textChanged.connect(self._edited)
        return line

    def _edited(self) -> None:
        if not self._loading:
            self.sig_edited.emit()

    # ------------------------------------------------------------ values ↔ text

    def _format(self, name: str, value: Any, data: Any) -> str:
        kind = self.kinds[name]
        if value is None:
            return ""
        if kind == "money" or (kind == "money_or_int" and getattr(data, "kind", "") != "percent"):
            return format_money(value)
        if kind == "datetime":
            return to_local(value, self.time_zone).strftime(TIME_FORMAT)
        if kind == "money_map":
            return "\n".join(f"{k} = {format_money(v)}" for k, v in value.items())
        if kind == "int_map":
            return "\n".join(f"{k} = {v}" for k, v in value.items())
        if kind == "slots":
            return ", ".join(f"{a}-{b}" for a, b in value)
        if kind == "list":
            return ", ".join(value)
        return str(value)

    def set_data(self, data: Any) -> None:
        self._loading = True
        try:
            for name, editor in self.editors.items():
                value = getattr(data, name)
                if isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(value)))
                elif isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(self._format(name, value, data))
                elif isinstance(editor, QLineEdit):
                    editor.setText(self._format(name, value, data))
        finally:
            self._loading = False
        self.show_issues([])

    def text_of(self, name: str) -> str:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QLineEdit):
            return editor.text()
        return ""

    def set_text(self, name: str, text: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(text)))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(text in ("1", "true", "yes"))

    def _parse(self, c: Collector, name: str) -> Any:
        editor, kind = self.editors[name], self.kinds[name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        text = self.text_of(name).strip()
        if not text:
            if name in self.optional:
                return None
            if kind in ("list", "slots", "money_map", "int_map"):
                return {} if kind.endswith("_map") else []
            if kind == "text":
                return ""
            c.add(name, _("required"))
            return None
        try:
            if kind == "money" or (kind == "money_or_int" and self._percent() is False):
                return parse_money(text, name)
            if kind in ("int", "money_or_int"):
                return int(text)
            if kind == "datetime":
                return parse_local(text.replace(" ", "T"), self.time_zone)
            if kind.endswith("_map"):
                out = {}
                for line in text.replace("，", ",").replace(",", "\n").splitlines():
                    if not line.strip():
                        continue
                    code, sep, amount = line.partition("=")
                    if not sep:
                        raise ValueError(line)
                    out[code.strip()] = (parse_money(amount.strip(), name)
                                         if kind == "money_map" else int(amount))
                return out
            if kind == "slots":
                return [tuple(part.strip().split("-", 1)) for part in text.split(",")]
            if kind == "list":
                return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        except ValidationError as exc:
            c.add(name, exc.issues[0].message)
            return None
        except ValueError:
            c.add(name, _("cannot read {text!r}").format(text=text))
            return None
        return text

    def _percent(self) -> bool:
        combo = self.editors.get("kind")
        return isinstance(combo, QComboBox) and combo.currentData() == "percent"

    def data(self) -> Any:
        """The dataclass from the fields; ValidationError naming every unreadable field."""
        c = Collector()
        values = {name: self._parse(c, name) for name in self.editors}
        c.raise_if_any()
        return self.data_type(**values)

    def show_issues(self, issues: list[Any]) -> None:
        for row in self.rows.values():
            row.set_error("")
        seen: dict[str, list[str]] = {}
        for issue in issues:
            key = issue.path.split(".")[0].split("[")[0]
            if key in self.rows:
                detail = issue.path[len(key):].lstrip(".")
                seen.setdefault(key, []).append(f"{detail}: {issue.message}" if detail
                                                else issue.message)
        for key, messages in seen.items():
            self.rows[key].set_error("\n".join(messages))

    def now_text(self) -> str:
        return to_local(datetime.now().astimezone(), self.time_zone).strftime(TIME_FORMAT)
