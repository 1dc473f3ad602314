"""Undoable promotion edits over the promotions services (plain data, no Qt)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.core.commands import SessionCommand


def is_coupon(data: Any) -> bool:
    from shopbuilder.promotions.rules import CouponData

    return isinstance(data, CouponData)


@dataclass
class PromotionEdit(SessionCommand):
    """Create (before None), delete (after None) or change one coupon or campaign."""

    slug: str
    before: Any
    after: Any
    label: str = "edit promotion"

    @staticmethod
    def _set(session: Session, slug: str, old: Any, new: Any) -> None:
        from shopbuilder.promotions import campaigns, coupons

        sample = new if new is not None else old
        module_create = coupons.create_coupon if is_coupon(sample) else campaigns.add_campaign
        module_update = coupons.update_coupon if is_coupon(sample) else campaigns.update_campaign
        module_delete = coupons.delete_coupon if is_coupon(sample) else campaigns.delete_campaign
        if old is None and new is not None:
            module_create(session, slug, copy.deepcopy(new))
        elif new is None and old is not None:
            module_delete(session, slug, old.key)
        elif old is not None and new is not None:
            module_update(session, slug, old.key, copy.deepcopy(new))

    def _apply(self, session: Session) -> None:
        self._set(session, self.slug, self.before, self.after)

    def _revert(self, session: Session) -> None:
        self._set(session, self.slug, self.after, self.before)
