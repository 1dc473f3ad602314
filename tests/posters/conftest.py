"""Poster fixtures: the demo shop with its promotions pinned to fixed dates (so the
campaign posters' time text, and so the golden images, never change), and the fonts
pinned by file so the goldens do not depend on fontconfig's choice."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shopbuilder.core.storage import Workspace
from shopbuilder.posters.fonts import FontSet, pinned_fonts

START = datetime(2030, 6, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
END = datetime(2030, 6, 30, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
AT = datetime(2030, 6, 2, 4, 0, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "golden"

# template id → the job that renders it on the demo shop
BUILTIN_JOBS: dict[str, dict[str, str]] = {
    "product": {"product_code": "TEE-01"},
    "product_card": {"product_code": "BED-07"},
    "group_buy": {"campaign_key": "gb1"},
    "bargain": {"campaign_key": "bg1"},
    "flash_sale": {"campaign_key": "fs1"},
    "coupon": {"campaign_key": "c1"},
    "shop": {},
    "shop_card": {},
}


def build_poster_shop(workspace: Workspace) -> None:
    from shopbuilder.demo import build_demo_shop
    from shopbuilder.promotions import campaigns, coupons

    with workspace.session() as s:
        build_demo_shop(s)
    with workspace.session() as s:
        for row in campaigns.campaign_rows(s, "demo"):
            data = dataclasses.replace(campaigns.campaign_data(row), starts_at=START, ends_at=END)
            campaigns.update_campaign(s, "demo", row.key, data)
        for row in coupons.list_coupons(s, "demo"):
            data = coupons.coupon_data(row)
            changes = {"claim_starts_at": START, "claim_ends_at": END}
            if data.use_mode == "fixed":
                changes.update(use_starts_at=START, use_ends_at=END)
            coupons.update_coupon(s, "demo", row.key, dataclasses.replace(data, **changes))


@pytest.fixture(scope="session")
def poster_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A read-only demo workspace shared by the tests that only render."""
    path = tmp_path_factory.mktemp("posters") / "ws.db"
    ws = Workspace.open(f"sqlite:///{path}")
    build_poster_shop(ws)
    yield ws
    ws.close()


@pytest.fixture
def poster_workspace(workspace: Workspace) -> Workspace:
    """A demo workspace of the test's own, for tests that change it."""
    build_poster_shop(workspace)
    return workspace


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return pinned_fonts()
