"""Undoable edits: each is a small reversible command over the services.

Undo lives in the core (as in Anki and orange-canvas): the GUI wraps a `Command` in a
`QUndoCommand` (redo → apply, undo → revert) and never edits rows itself. A command
holds plain data (dataclasses of the before/after state), never live ORM objects, and
runs each step in its own unit of work, so an undo is committed like any edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace


class Command(Protocol):
    label: str

    def apply(self, workspace: Workspace) -> None: ...

    def revert(self, workspace: Workspace) -> None: ...


class SessionCommand:
    """Base for commands whose two directions are each one service call."""

    label = ""

    def apply(self, workspace: Workspace) -> None:
        with workspace.session() as s:
            self._apply(s)

    def revert(self, workspace: Workspace) -> None:
        with workspace.session() as s:
            self._revert(s)

    def _apply(self, session: Session) -> None:
        raise NotImplementedError

    def _revert(self, session: Session) -> None:
        raise NotImplementedError


@dataclass
class ProductEdit(SessionCommand):
    """Create (before None), delete (after None) or change one product."""

    slug: str
    before: product_svc.ProductData | None
    after: product_svc.ProductData | None
    label: str = "edit product"

    @staticmethod
    def _set(session: Session, slug: str, old: product_svc.ProductData | None,
             new: product_svc.ProductData | None) -> None:
        if old is None and new is not None:
            product_svc.create_product(session, slug, new)
        elif new is None and old is not None:
            product_svc.delete_product(session, slug, old.code)
        elif old is not None and new is not None:
            product_svc.update_product(session, slug, old.code, new)

    def _apply(self, session: Session) -> None:
        self._set(session, self.slug, self.before, self.after)

    def _revert(self, session: Session) -> None:
        self._set(session, self.slug, self.after, self.before)


@dataclass
class BrandEdit(SessionCommand):
    slug: str
    before: shop_svc.BrandData
    after: shop_svc.BrandData
    label: str = "edit brand"

    def _apply(self, session: Session) -> None:
        shop_svc.set_brand(session, self.slug, self.after)

    def _revert(self, session: Session) -> None:
        shop_svc.set_brand(session, self.slug, self.before)


@dataclass
class Macro(SessionCommand):
    """Several session commands as one step (bulk edits): one transaction each way,
    so a bulk edit that fails half-way changes nothing."""

    commands: Sequence[SessionCommand] = field(default_factory=list)
    label: str = "bulk edit"

    def _apply(self, session: Session) -> None:
        for command in self.commands:
            command._apply(session)

    def _revert(self, session: Session) -> None:
        for command in reversed(self.commands):
            command._revert(session)


@dataclass
class PageEdit(SessionCommand):
    """Create (before None), delete (after None) or replace one page."""

    slug: str
    before: page_svc.PageData | None
    after: page_svc.PageData | None
    label: str = "edit page"

    @staticmethod
    def _set(session: Session, slug: str, old: page_svc.PageData | None,
             new: page_svc.PageData | None) -> None:
        if new is None and old is not None:
            page_svc.delete_page(session, slug, old.key)
        elif new is not None:
            page_svc.set_page(session, slug, new)

    def _apply(self, session: Session) -> None:
        self._set(session, self.slug, self.before, self.after)

    def _revert(self, session: Session) -> None:
        self._set(session, self.slug, self.after, self.before)


@dataclass
class TabBarEdit(SessionCommand):
    slug: str
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    label: str = "edit tab bar"

    def _apply(self, session: Session) -> None:
        page_svc.set_tab_bar(session, self.slug, self.after)

    def _revert(self, session: Session) -> None:
        page_svc.set_tab_bar(session, self.slug, self.before)
