"""Pages (微页面) and the tab bar (底部导航)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopbuilder.core import validation as v
from shopbuilder.core.components import validate_component
from shopbuilder.core.errors import Collector, NotFoundError, ValidationError
from shopbuilder.core.models import PAGE_KINDS, Asset, Page
from shopbuilder.core.services.shops import get_shop
from shopbuilder.i18n import _

PAGE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")
TAB_MIN, TAB_MAX, TAB_LABEL_MAX = 2, 5, 4
TAB_ICON_MAX_BYTES = 40 * 1024


@dataclass
class PageData:
    key: str
    title: str
    kind: str = "custom"
    components: list[dict[str, Any]] = field(default_factory=list)
    sort_order: int = 0
    share_title: str = ""


def list_pages(session: Session, slug: str) -> list[Page]:
    shop = get_shop(session, slug)
    return list(session.scalars(select(Page).where(Page.shop_id == shop.id)
                                .order_by(Page.sort_order, Page.id)))


def get_page(session: Session, slug: str, key: str) -> Page:
    shop = get_shop(session, slug)
    page = session.scalar(select(Page).where(Page.shop_id == shop.id, Page.key == key))
    if page is None:
        raise NotFoundError(_("no page {key!r} in shop {slug!r}").format(key=key, slug=slug))
    return page


def validate_page(data: PageData) -> None:
    c = Collector()
    if not isinstance(data.key, str) or not PAGE_KEY_RE.match(data.key):
        c.add("key", _("a page id is lowercase letters, digits and '_', starting with a letter"))
    v.text(c, "title", data.title, max_len=40)
    v.text(c, "share_title", data.share_title, max_len=60, required=False)
    if data.kind not in PAGE_KINDS:
        c.add("kind", _("must be one of {kinds}").format(kinds=", ".join(PAGE_KINDS)))
    ids: set[str] = set()
    for i, component in enumerate(data.components):
        validate_component(c, f"components[{i}]", component)
        cid = component.get("id") if isinstance(component, dict) else None
        if cid in ids:
            c.add(f"components[{i}].id", _("component id {id!r} appears twice").format(id=cid))
        ids.add(cid)
    c.raise_if_any()


def set_page(session: Session, slug: str, data: PageData) -> Page:
    """Create the page `data.key` or replace its content."""
    shop = get_shop(session, slug)
    validate_page(data)
    page = session.scalar(select(Page).where(Page.shop_id == shop.id, Page.key == data.key))
    if data.kind == "home":
        other = session.scalar(select(Page.key).where(
            Page.shop_id == shop.id, Page.kind == "home", Page.key != data.key))
        if other is not None:
            raise ValidationError("kind", _("the shop already has a home page ({key})").format(
                key=other))
    if page is None:
        page = Page(shop_id=shop.id, key=data.key)
        session.add(page)
    page.title = data.title.strip()
    page.kind = data.kind
    page.sort_order = data.sort_order
    page.share_title = data.share_title.strip()
    page.components = [dict(c) for c in data.components]
    session.flush()
    return page


def delete_page(session: Session, slug: str, key: str) -> None:
    shop = get_shop(session, slug)
    page = get_page(session, slug, key)
    if any(tab.get("page") == key for tab in shop.tab_bar):
        raise ValidationError("key", _("page {key!r} is in the tab bar; remove the tab first")
                              .format(key=key))
    session.delete(page)
    session.flush()


def set_tab_bar(session: Session, slug: str, tabs: list[dict[str, Any]]) -> None:
    shop = get_shop(session, slug)
    c = Collector()
    if not TAB_MIN <= len(tabs) <= TAB_MAX:
        c.add("tab_bar", _("the tab bar has {lo} to {hi} tabs, got {n}").format(
            lo=TAB_MIN, hi=TAB_MAX, n=len(tabs)))
    keys = set(session.scalars(select(Page.key).where(Page.shop_id == shop.id)))
    seen: set[str] = set()
    for i, tab in enumerate(tabs):
        p = f"tab_bar[{i}]"
        label = tab.get("label", "")
        v.text(c, f"{p}.label", label, max_len=TAB_LABEL_MAX)
        page = tab.get("page")
        if page not in keys:
            c.add(f"{p}.page", _("no page {key!r} in this shop").format(key=page))
        elif page in seen:
            c.add(f"{p}.page", _("page {key!r} has two tabs").format(key=page))
        seen.add(page)
        for icon_field in ("icon", "selected_icon"):
            sha = tab.get(icon_field)
            if sha is None:
                continue
            asset = session.get(Asset, sha)
            if asset is None or asset.width is None:
                c.add(f"{p}.{icon_field}", _("no such image in the workspace"))
            elif asset.size > TAB_ICON_MAX_BYTES:
                c.add(f"{p}.{icon_field}", _("a tab icon is at most 40 KB (this one is {kb} KB)")
                      .format(kb=asset.size // 1024))
        unknown = set(tab) - {"page", "label", "icon", "selected_icon"}
        if unknown:
            c.add(p, _("unknown fields: {names}").format(names=", ".join(sorted(unknown))))
    c.raise_if_any()
    shop.tab_bar = [dict(t) for t in tabs]
    session.flush()


def default_pages() -> list[PageData]:
    """The pages every new shop starts with; the home page gets components later."""
    return [
        PageData("home", "首页", "home", sort_order=0),
        PageData("category", "分类", "category", sort_order=1),
        PageData("cart", "购物车", "cart", sort_order=2),
        PageData("me", "我的", "profile", sort_order=3),
    ]


DEFAULT_TABS = [
    {"page": "home", "label": "首页"},
    {"page": "category", "label": "分类"},
    {"page": "cart", "label": "购物车"},
    {"page": "me", "label": "我的"},
]
