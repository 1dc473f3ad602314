"""The Promotions section: coupons, group-buys, bargains and flash sales.

Left: every promotion by kind. Middle: the editor, checked against the core's rules as
the user types (messages beside the fields). Right: the worst price a buyer can pay
for the campaign's SKUs, the bargain's cut plan, and a quote simulator.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core.errors import ShopBuilderError, ValidationError
from shopbuilder.core.money import format_money
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.timeutil import utcnow
from shopbuilder.gui.forms import discard
from shopbuilder.gui.promotions.commands import PromotionEdit, is_coupon
from shopbuilder.gui.promotions.form import PromoForm
from shopbuilder.gui.sections import SectionContext
from shopbuilder.i18n import N_, _

KINDS = (("coupon", N_("Coupons")), ("group_buy", N_("Group-buys")),
         ("bargain", N_("Bargains")), ("flash_sale", N_("Flash sales")))
NEW_LABELS = {"coupon": N_("New coupon"), "group_buy": N_("New group-buy"),
              "bargain": N_("New bargain"), "flash_sale": N_("New flash sale")}
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2


def yuan(fen: int) -> str:
    return "¥" + format_money(fen)


def data_type(kind: str) -> type:
    from shopbuilder.promotions import rules

    return {"coupon": rules.CouponData, "group_buy": rules.GroupBuyData,
            "bargain": rules.BargainData, "flash_sale": rules.FlashSaleData}[kind]


class PromotionsSection(QWidget):
    def __init__(self, ctx: SectionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        with ctx.workspace.session() as s:
            self.time_zone = shop_svc.get_shop(s, ctx.slug).time_zone
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._selected)
        new_button = QToolButton()
        new_button.setText(_("New…"))
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(new_button)
        for kind, label in NEW_LABELS.items():
            menu.addAction(_(label), lambda k=kind: self.new_item(k))
        new_button.setMenu(menu)
        delete_button = QPushButton(_("Delete"))
        delete_button.clicked.connect(self.delete_selected)
        left_buttons = QHBoxLayout()
        left_buttons.addWidget(new_button)
        left_buttons.addWidget(delete_button)
        left_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(left_buttons)

        self.form_title = QLabel()
        self.form_title.setObjectName("sectionTitle")
        self.form_holder = QVBoxLayout()
        self.form: PromoForm | None = None
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        self.save_state = QLabel()
        self.save_state.setObjectName("hint")
        form_widget = QWidget()
        form_layout = QVBoxLayout(form_widget)
        form_layout.addWidget(self.form_title)
        form_layout.addLayout(self.form_holder)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_state, 1)
        save_row.addWidget(self.save_button)
        form_layout.addLayout(save_row)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.cart = QLineEdit()
        self.cart.setPlaceholderText("TEE-01-1:2, CUP-10-1:1@fs1")
        self.buyer = QComboBox()
        self.buyer.addItem(_("member"), "member")
        self.buyer.addItem(_("new customer"), "new")
        quote_button = QPushButton(_("Quote"))
        quote_button.clicked.connect(self.quote)
        self.cart.returnPressed.connect(self.quote)
        cart_hint = QLabel(_("SKU:quantity, separated by commas; add @key to buy through "
                             "a campaign (CUP-10-1:1@fs1)."))
        cart_hint.setObjectName("hint")
        cart_hint.setWordWrap(True)
        self.quote_result = QLabel()
        self.quote_result.setWordWrap(True)
        self.quote_result.setTextFormat(Qt.TextFormat.RichText)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self._title(_("Worst case")))
        right_layout.addWidget(self.info)
        right_layout.addWidget(self._title(_("Quote simulator")))
        right_layout.addWidget(self.cart)
        right_layout.addWidget(cart_hint)
        quote_row = QHBoxLayout()
        quote_row.addWidget(self.buyer, 1)
        quote_row.addWidget(quote_button)
        right_layout.addLayout(quote_row)
        right_layout.addWidget(self.quote_result)
        right_layout.addStretch(1)

        splitter = QSplitter()
        for widget in (left, scroll, right):
            splitter.addWidget(widget)
        splitter.setSizes([210, 520, 300])
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

        self.current: tuple[str, Any] | None = None  # (kind, saved data or None if new)
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(250)
        self.check_timer.timeout.connect(self.check)
        self.load()
        ctx.bus.sig_data_changed.connect(self._data_changed)

    @staticmethod
    def _title(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    # ------------------------------------------------------------ list

    def load(self, select: tuple[str, str] | None = None) -> None:
        from shopbuilder.promotions.campaigns import campaign_rows
        from shopbuilder.promotions.coupons import list_coupons

        if select is None and self.current is not None and self.current[1] is not None:
            select = (self.current[0], self.current[1].key)
        with self.ctx.workspace.session() as s:
            groups = {"coupon": [(c.key, c.name) for c in list_coupons(s, self.ctx.slug)]}
            for kind, _label in KINDS[1:]:
                groups[kind] = [(c.key, c.title) for c in campaign_rows(s, self.ctx.slug, kind)]
        self.tree.selectionModel().blockSignals(True)
        self.model.clear()
        target = QModelIndex()
        for kind, label in KINDS:
            head = QStandardItem(f"{_(label)} ({len(groups[kind])})")
            head.setSelectable(False)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            for key, name in groups[kind]:
                item = QStandardItem(f"{name}  ·  {key}")
                item.setData(key, KEY_ROLE)
                item.setData(kind, KIND_ROLE)
                head.appendRow(item)
            self.model.appendRow(head)
            for row in range(head.rowCount()):
                child = head.child(row)
                if select == (kind, child.data(KEY_ROLE)):
                    target = child.index()
        self.tree.expandAll()
        self.tree.selectionModel().blockSignals(False)
        if not target.isValid() and self.current is None:
            first = next((self.model.item(r).child(0) for r in range(self.model.rowCount())
                          if self.model.item(r).rowCount()), None)
            target = first.index() if first is not None else target
        if target.isValid():
            self.tree.setCurrentIndex(target)
        elif self.current is None or self.current[1] is not None:
            self.show_item(None, None)
        self.refresh_info()

    def refresh(self) -> None:
        if self.current is None or self.current[1] is not None:
            self.load()

    def _data_changed(self, slug: str, _what: str) -> None:
        if slug == self.ctx.slug:
            self.load()

    def _selected(self, index: QModelIndex, _previous: QModelIndex) -> None:
        key, kind = index.data(KEY_ROLE), index.data(KIND_ROLE)
        if key:
            self.show_item(kind, self.read(kind, key))

    def read(self, kind: str, key: str) -> Any:
        from shopbuilder.promotions.campaigns import campaign_data, get_campaign
        from shopbuilder.promotions.coupons import coupon_data, get_coupon

        with self.ctx.workspace.session() as s:
            if kind == "coupon":
                return coupon_data(get_coupon(s, self.ctx.slug, key))
            return campaign_data(get_campaign(s, self.ctx.slug, key))

    # ------------------------------------------------------------ editor

    def show_item(self, kind: str | None, data: Any) -> None:
        discard(self.form)
        self.form = None
        if kind is None:
            self.current = None
            self.form_title.setText(_("Choose a promotion, or create one with New…"))
            self.save_button.setEnabled(False)
            self.save_state.setText("")
            return
        self.current = (kind, data)
        self.form = PromoForm(data_type(kind), self.time_zone)
        self.form.set_data(data if data is not None else self.template(kind))
        self.form.editors["key"].setEnabled(data is None)
        self.form.sig_edited.connect(self.check_timer.start)
        self.form_holder.addWidget(self.form)
        title = dict(NEW_LABELS)[kind] if data is None else dict(KINDS)[kind]
        self.form_title.setText(_(title))
        self.save_button.setEnabled(True)
        self.save_state.setText("")
        self.refresh_info()
        self.check()

    def template(self, kind: str) -> Any:
        """A new promotion that starts close to valid: from now for 7 days, on the
        shop's first product."""
        from shopbuilder.core.services.products import list_products
        from shopbuilder.promotions.keys import next_key
        from shopbuilder.promotions.rules import KEY_PREFIX

        start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        end = start + timedelta(days=7)
        with self.ctx.workspace.session() as s:
            shop = shop_svc.get_shop(s, self.ctx.slug)
            key = next_key(s, shop.id, KEY_PREFIX[kind])
            products = list_products(s, self.ctx.slug)
            product = products[0] if products else None
            skus = {k.code: k.price for k in product.skus} if product else {}
        cls = data_type(kind)
        if kind == "coupon":
            return cls(name=_("New coupon"), value=1000, threshold=9900, claim_starts_at=start,
                       claim_ends_at=end, use_mode="days", use_days=7, key=key)
        code = product.code if product else ""
        if kind == "bargain":
            sku, price = next(iter(skus.items()), ("", 0))
            return cls(title=_("New bargain"), sku_code=sku, floor_price=price * 7 // 10,
                       helpers=5, starts_at=start, ends_at=end, key=key)
        prices = {k: p * 8 // 10 for k, p in skus.items()}
        title = _("New group-buy") if kind == "group_buy" else _("New flash sale")
        return cls(title=title, product_code=code, sku_prices=prices, starts_at=start,
                   ends_at=end, key=key)

    def new_item(self, kind: str) -> None:
        self.tree.selectionModel().clearCurrentIndex()
        self.show_item(kind, None)

    def edited_data(self) -> Any:
        assert self.form is not None
        return self.form.data()

    def check(self) -> bool:
        """Validate the form against the core's rules without writing anything."""
        if self.form is None or self.current is None:
            return False
        kind, saved = self.current
        try:
            data = self.edited_data()
            self._validate(kind, saved, data)
        except ValidationError as exc:
            self.form.show_issues(exc.issues)
            self.save_state.setText(_("{n} problems to fix").format(n=len(exc.issues)))
            return False
        self.form.show_issues([])
        self.save_state.setText(_("OK") if saved is None or data != saved else "")
        self.show_cut_plan(data)
        return True

    def _validate(self, kind: str, saved: Any, data: Any) -> None:
        from shopbuilder.promotions.campaigns import get_campaign, validate_campaign
        from shopbuilder.promotions.coupons import validate_coupon

        session = self.ctx.workspace.session_factory()
        session.info["workspace"] = self.ctx.workspace
        try:
            shop = shop_svc.get_shop(session, self.ctx.slug)
            if kind == "coupon":
                validate_coupon(session, shop, copy.deepcopy(data),
                                current_key=saved.key if saved else None)
            else:
                current = get_campaign(session, self.ctx.slug, saved.key) if saved else None
                validate_campaign(session, shop, copy.deepcopy(data), current=current)
        finally:
            session.rollback()
            session.close()

    def save(self) -> bool:
        if self.form is None or self.current is None:
            return False
        kind, saved = self.current
        try:
            data = self.edited_data()
        except ValidationError as exc:
            self.form.show_issues(exc.issues)
            return False
        if saved is not None and data == saved:
            return True
        label = _("add {kind}") if saved is None else _("edit {kind}")
        try:
            self.ctx.try_push(PromotionEdit(self.ctx.slug, saved, data,
                                            label=label.format(kind=kind)))
        except ValidationError as exc:
            self.form.show_issues(exc.issues)
            self.save_state.setText(_("{n} problems to fix").format(n=len(exc.issues)))
            return False
        self.current = (kind, data)
        self.load(select=(kind, data.key))
        self.ctx.status(_("Saved"))
        return True

    def delete_selected(self) -> None:
        if self.current is None or self.current[1] is None:
            return
        kind, saved = self.current
        if self.ctx.push(PromotionEdit(self.ctx.slug, saved, None,
                                       label=_("delete {kind}").format(kind=kind))):
            self.current = None
            self.load()

    # ------------------------------------------------------------ info panels

    def show_cut_plan(self, data: Any) -> None:
        from shopbuilder.promotions.rules import BargainData

        if not isinstance(data, BargainData):
            return
        from shopbuilder.core.services.products import list_products
        from shopbuilder.promotions.cutplan import cut_plan
        from shopbuilder.promotions.rules import default_seed

        start = data.start_price
        if start is None:
            with self.ctx.workspace.session() as s:
                prices = {k.code: k.price for p in list_products(s, self.ctx.slug)
                          for k in p.skus}
            start = prices.get(data.sku_code, 0)
        try:
            cuts = cut_plan(start, data.floor_price, data.helpers,
                            data.seed if data.seed is not None else default_seed(data.key or ""))
        except ShopBuilderError as exc:
            self.info.setText(exc.message)
            return
        shown = ", ".join(yuan(c) for c in cuts[:8]) + (", …" if len(cuts) > 8 else "")
        self.info.setText(self._worst_text() + "<p><b>" + _("Cut plan") + "</b><br>" + _(
            "{n} friends: {cuts}").format(n=len(cuts), cuts=shown) + "</p>")

    def _campaign_skus(self) -> set[str]:
        if self.current is None or self.current[1] is None:
            return set()
        data = self.current[1]
        if is_coupon(data):
            return set()
        return {data.sku_code} if hasattr(data, "sku_code") else set(data.sku_prices)

    def _worst_text(self) -> str:
        from shopbuilder.promotions.guard import lowest_prices

        skus = self._campaign_skus()
        if not skus:
            return "<p style='color:#6B7280'>" + _(
                "Save a campaign to see the lowest price a buyer can reach.") + "</p>"
        with self.ctx.workspace.session() as s:
            lows = lowest_prices(s, self.ctx.slug)
        rows = []
        for code in sorted(skus):
            low = lows.get(code)
            if low is None:
                continue
            warn = (low.cost is not None and low.lowest < low.cost)
            color = "#B42318" if warn else "inherit"
            rows.append(f"<tr><td>{code}</td><td align='right' style='color:{color}'>"
                        f"{yuan(low.lowest)}</td><td style='color:#6B7280'>"
                        f"{' + '.join(low.via)}</td></tr>")
        return ("<table cellpadding='2'>" + "".join(rows) + "</table>") if rows else ""

    def refresh_info(self) -> None:
        self.info.setText(self._worst_text())

    def quote(self) -> bool:
        from shopbuilder.promotions.quote import quote_promos
        from shopbuilder.promotions.snapshot import load_promos

        lines = [p.strip() for p in self.cart.text().replace("，", ",").split(",") if p.strip()]
        try:
            with self.ctx.workspace.session() as s:
                promos = load_promos(s, self.ctx.slug)
            q = quote_promos(promos, lines, buyer=self.buyer.currentData())
        except ValidationError as exc:
            self.quote_result.setText("<span style='color:#B42318'>" + "<br>".join(
                str(i.message) for i in exc.issues) + "</span>")
            return False
        rows = "".join(
            f"<tr><td>{ln.sku_code} × {ln.qty}</td><td align='right'>{yuan(ln.subtotal)}</td>"
            f"<td align='right'>−{yuan(ln.discount)}</td></tr>" for ln in q.lines)
        skipped = "".join(f"<br><span style='color:#6B7280'>{n.key}: {n.reason}</span>"
                          for n in q.not_applied)
        self.quote_result.setText(
            f"<table cellpadding='2'>{rows}</table>"
            + _("Goods {goods}, after campaigns {sub}, coupons −{disc}").format(
                goods=yuan(q.goods_total), sub=yuan(q.subtotal), disc=yuan(q.discount))
            + "<br><b>" + _("To pay: {total}").format(total=yuan(q.total)) + "</b>" + skipped)
        return True

    def focus_search(self) -> None:
        self.tree.setFocus()

    def open_path(self, path: str) -> None:
        """``coupons[1].value`` / ``group_buys[0].sku_prices.X``: select that promotion."""
        import re

        match = re.match(r"^(coupons|group_buys|bargains|flash_sales)\[(\d+)\]", path)
        if not match:
            return
        kind = {"coupons": "coupon", "group_buys": "group_buy", "bargains": "bargain",
                "flash_sales": "flash_sale"}[match.group(1)]
        head = self.model.item([k for k, _l in KINDS].index(kind))
        row = int(match.group(2))
        if head is not None and row < head.rowCount():
            self.tree.setCurrentIndex(head.child(row).index())
