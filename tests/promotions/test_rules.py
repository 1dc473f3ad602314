"""Each validation rule, one table row per broken field, through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shopbuilder.core.errors import ConflictError, NotFoundError, ValidationError
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from tests.promotions.conftest import (
    SLUG,
    T0,
    T1,
    bargain,
    coupon,
    flash,
    group_buy,
    make_shop,
)

COUPON_CASES: list[tuple[dict[str, Any], str]] = [
    ({"name": ""}, "name"),
    ({"name": "一二三四五六七八九十一二三四五六七"}, "name"),
    ({"value": 0}, "value"),
    ({"value": 10000}, "value"),  # amount-off equal to its threshold
    ({"value": 12000}, "value"),
    ({"kind": "percent", "value": 100, "threshold": 0}, "value"),
    ({"kind": "percent", "value": 0, "threshold": 0}, "value"),
    ({"kind": "bogus"}, "kind"),
    ({"cap": 500}, "cap"),  # only percent coupons have a cap
    ({"kind": "percent", "value": 10, "cap": 0}, "cap"),
    ({"threshold": -1}, "threshold"),
    ({"value": 10.5}, "value"),
    ({"scope": "products"}, "scope_items"),
    ({"scope": "products", "scope_items": ["NOPE"]}, "scope_items[0]"),
    ({"scope": "exclude", "scope_items": ["TEE", "NOPE"]}, "scope_items[1]"),
    ({"scope": "categories", "scope_items": ["服饰/裤装"]}, "scope_items[0]"),
    ({"scope": "shop", "scope_items": ["TEE"]}, "scope_items"),
    ({"claim_ends_at": T0}, "claim_ends_at"),
    ({"use_starts_at": T0 - timedelta(hours=1)}, "use_starts_at"),
    ({"use_ends_at": T1 - timedelta(hours=1)}, "use_ends_at"),
    ({"use_starts_at": None}, "use_starts_at"),
    ({"use_mode": "days", "use_starts_at": None, "use_ends_at": None}, "use_days"),
    ({"use_mode": "days", "use_days": 7}, "use_mode"),  # fixed dates given too
    ({"use_mode": "days_next", "use_starts_at": None, "use_ends_at": None, "use_days": 0},
     "use_days"),
    ({"use_days": 3}, "use_days"),
    ({"total": 0}, "total"),
    ({"total": 5, "per_user": 6}, "per_user"),
    ({"per_user": 0}, "per_user"),
    ({"per_user": 2, "per_user_per_day": 3}, "per_user_per_day"),
    ({"obtain": "code"}, "redeem_code"),
    ({"obtain": "code", "redeem_code": "a b"}, "redeem_code"),
    ({"redeem_code": "ABCD1234"}, "redeem_code"),
    ({"obtain": "lottery"}, "obtain"),
    ({"key": "bad-key"}, "key"),
    ({"key": "toolongkey"}, "key"),
    ({"stack_coupons": "yes"}, "stack_coupons"),
]


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One shop for the refusal tables: a refused write leaves nothing behind, which
    each case checks, so the cases cannot affect each other."""
    ws = Workspace.open(f"sqlite:///{tmp_path_factory.mktemp('rules') / 'ws.db'}")
    with ws.session() as s:
        make_shop(s)
    yield ws
    ws.close()


@pytest.mark.parametrize(("change", "path"), COUPON_CASES)
def test_coupon_rules(shared_ws: Workspace, change: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as info, shared_ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(**change))
    assert path in [i.path for i in info.value.issues], info.value.issues
    with shared_ws.session() as s:
        assert cpsvc.list_coupons(s, SLUG) == []  # nothing half-written


VALID_COUPONS: list[dict[str, Any]] = [
    {},
    {"threshold": 0, "value": 500},  # 无门槛
    {"kind": "percent", "value": 15, "cap": 3000, "threshold": 0},
    {"scope": "categories", "scope_items": ["服饰"]},
    {"scope": "exclude", "scope_items": ["SOCK"]},
    {"use_mode": "days_next", "use_starts_at": None, "use_ends_at": None, "use_days": 7},
    {"obtain": "code", "redeem_code": "DC6FF8SE", "total": 100, "per_user": 1},
    {"obtain": "new_user", "stack_coupons": True, "stack_campaigns": True},
]


@pytest.mark.parametrize("change", VALID_COUPONS)
def test_valid_coupons_are_stored(ws: Workspace, change: dict[str, Any]) -> None:
    with ws.session() as s:
        row = cpsvc.create_coupon(s, SLUG, coupon(**change))
        assert row.key == "c1"
    with ws.session() as s:
        data = cpsvc.coupon_data(cpsvc.get_coupon(s, SLUG, "c1"))
    assert data == coupon(key="c1", **change)


def test_coupon_update_delete_and_keys(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon())
        cpsvc.create_coupon(s, SLUG, coupon(key="vip"))
        assert cpsvc.create_coupon(s, SLUG, coupon()).key == "c2"
        csvc.add_campaign(s, SLUG, group_buy(key="c3"))
        assert cpsvc.create_coupon(s, SLUG, coupon()).key == "c4"  # keys shared with campaigns
    with pytest.raises(ValidationError) as info, ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="c3"))
    assert info.value.path == "key"
    with ws.session() as s:
        row = cpsvc.get_coupon(s, SLUG, "vip")
        version = row.version
        cpsvc.update_coupon(s, SLUG, "vip", coupon(name="改名", key=None),
                            expected_version=version)
    with ws.session() as s:
        assert cpsvc.get_coupon(s, SLUG, "vip").name == "改名"
        with pytest.raises(ConflictError):
            cpsvc.update_coupon(s, SLUG, "vip", coupon(), expected_version=version)
        cpsvc.delete_coupon(s, SLUG, "vip")
        with pytest.raises(NotFoundError):
            cpsvc.get_coupon(s, SLUG, "vip")
        assert [c.key for c in cpsvc.list_coupons(s, SLUG)] == ["c1", "c2", "c4"]


CAMPAIGN_CASES: list[tuple[Any, str]] = [
    (group_buy(title=""), "title"),
    (group_buy(product_code="NOPE"), "product_code"),
    (group_buy(sku_prices={"TEE-R": 8000}), "sku_prices.TEE-W"),  # every SKU priced
    (group_buy(sku_prices={"TEE-R": 8000, "TEE-W": 10000}), "sku_prices.TEE-W"),  # not below
    (group_buy(sku_prices={"TEE-R": 0, "TEE-W": 8000}), "sku_prices.TEE-R"),  # ¥0 sale
    (group_buy(sku_prices={"TEE-R": 8000, "TEE-W": 8000, "X": 1}), "sku_prices.X"),
    (group_buy(leader_prices={"TEE-R": 9000}), "leader_prices.TEE-R"),  # above group price
    (group_buy(group_size=1), "group_size"),
    (group_buy(group_size=101), "group_size"),
    (group_buy(fill_hours=0), "fill_hours"),
    (group_buy(ends_at=T0), "ends_at"),
    (group_buy(sku_stock={"TEE-W": 31}), "sku_stock.TEE-W"),
    (group_buy(per_user_limit=1, per_order_limit=2), "per_order_limit"),
    (group_buy(auto_complete=True), "auto_complete_pct"),
    (group_buy(auto_complete=True, auto_complete_pct=0), "auto_complete_pct"),
    (group_buy(auto_complete_pct=80), "auto_complete_pct"),
    (group_buy(key="a_b"), "key"),
    (bargain(sku_code="NOPE"), "sku_code"),
    (bargain(floor_price=5000), "floor_price"),
    (bargain(floor_price=-1), "floor_price"),
    (bargain(helpers=1), "helpers"),
    (bargain(floor_price=4998, helpers=3), "helpers"),  # 2 fen cannot feed 3 helpers
    (bargain(finish_hours=1000), "finish_hours"),
    (bargain(finish_hours=0), "finish_hours"),
    (bargain(stock=41), "stock"),
    (bargain(start_price=6000), "start_price"),
    (bargain(pay_condition="any"), "pay_condition"),
    (bargain(starts_per_user=0), "starts_per_user"),
    (flash(sku_prices={"SOCK": 1000}), "sku_prices.SOCK"),  # above the SKU price
    (flash(sku_prices={}), "sku_prices"),
    (flash(slots=[("12:00", "10:00")]), "slots[0]"),
    (flash(slots=[("10:00", "12:00"), ("11:00", "13:00")]), "slots[1]"),
    (flash(slots=[("25:00", "26:00")]), "slots[0]"),
    (flash(sku_stock={"SOCK": 0}), "sku_stock.SOCK"),
]


@pytest.mark.parametrize(("data", "path"), CAMPAIGN_CASES)
def test_campaign_rules(shared_ws: Workspace, data: Any, path: str) -> None:
    with pytest.raises(ValidationError) as info, shared_ws.session() as s:
        csvc.add_campaign(s, SLUG, data)
    assert path in [i.path for i in info.value.issues], info.value.issues
    with shared_ws.session() as s:
        assert csvc.campaign_rows(s, SLUG) == []


def test_bargain_helper_bound_is_inclusive(ws: Workspace) -> None:
    with ws.session() as s:
        row = csvc.add_campaign(s, SLUG, bargain(floor_price=4997, helpers=3))
        assert row.settings["start_price"] == 5000


def test_campaigns_round_trip(ws: Workspace) -> None:
    datas = [group_buy(leader_prices={"TEE-R": 7000}, auto_complete=True, auto_complete_pct=80,
                       sku_stock={"TEE-R": 5}),
             bargain(seed=42), flash()]
    with ws.session() as s:
        keys = [csvc.add_campaign(s, SLUG, d).key for d in datas]
    assert keys == ["gb1", "bg1", "fs1"]
    with ws.session() as s:
        back = [csvc.campaign_data(r) for r in csvc.campaign_rows(s, SLUG)]
    assert back[0] == group_buy(key="gb1", leader_prices={"TEE-R": 7000}, auto_complete=True,
                                auto_complete_pct=80, sku_stock={"TEE-R": 5, "TEE-W": 30})
    assert back[1] == bargain(key="bg1", seed=42, start_price=5000)
    assert back[2] == flash(key="fs1", sku_stock={"SOCK": 100})


def test_flash_sale_overlaps(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, flash())
        # another session of the day is fine
        csvc.add_campaign(s, SLUG, flash(slots=[("12:00", "14:00")]))
    with pytest.raises(ValidationError) as info, ws.session() as s:
        csvc.add_campaign(s, SLUG, flash(slots=[("11:00", "13:00")], allow_overlap=True))
    assert info.value.path == "sku_prices"  # two flash sessions never overlap
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy())
        csvc.add_campaign(s, SLUG, flash(product_code="CUP", sku_prices={"CUP": 3000},
                                         slots=[], starts_at=T1, ends_at=T1 + timedelta(days=1)))
    with pytest.raises(ValidationError) as info, ws.session() as s:
        csvc.add_campaign(s, SLUG, flash(product_code="TEE", sku_prices={"TEE-R": 7000}))
    assert info.value.path == "allow_overlap"
    with pytest.raises(ValidationError) as info, ws.session() as s:
        csvc.add_campaign(s, SLUG, bargain(starts_at=T1 - timedelta(hours=1),
                                           ends_at=T1 + timedelta(hours=1)))
    assert info.value.path == "allow_overlap"
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, flash(product_code="TEE", sku_prices={"TEE-R": 7000},
                                         allow_overlap=True))
        csvc.add_campaign(s, SLUG, bargain(ends_at=T1))  # ends as the flash sale starts


def test_campaign_update_and_delete(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy())
        csvc.update_campaign(s, SLUG, "gb1", group_buy(title="新标题", group_size=5))
    with ws.session() as s:
        row = csvc.get_campaign(s, SLUG, "gb1")
        assert (row.title, row.settings["group_size"]) == ("新标题", 5)
        with pytest.raises(ValidationError):
            csvc.update_campaign(s, SLUG, "gb1", flash())
        with pytest.raises(ConflictError):
            csvc.update_campaign(s, SLUG, "gb1", group_buy(), expected_version=row.version - 1)
        csvc.delete_campaign(s, SLUG, "gb1")
        with pytest.raises(NotFoundError):
            csvc.get_campaign(s, SLUG, "gb1")
