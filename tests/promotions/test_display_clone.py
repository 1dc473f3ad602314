"""The display price (poster price == bundle price), campaign summaries, the demo
shop's promotions and cloning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shopbuilder.core.errors import NotFoundError
from shopbuilder.core.models import Campaign, Product
from shopbuilder.core.services import pages as page_svc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from shopbuilder.promotions.cutplan import cut_plan
from shopbuilder.promotions.display import display_price, list_campaigns
from shopbuilder.promotions.guard import worst_case
from shopbuilder.promotions.quote import quote
from shopbuilder.promotions.snapshot import load_promos
from tests.promotions.conftest import SLUG, T0, T1, bargain, flash, group_buy


def test_display_price_for_each_kind(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy(leader_prices={"TEE-R": 7000}, group_size=3))
        csvc.add_campaign(s, SLUG, bargain(seed=9))
        csvc.add_campaign(s, SLUG, flash())
        regular = display_price(s, SLUG, "TEE-R")
        assert (regular.price, regular.list_price, regular.kind) == (10000, 12000, "regular")
        assert regular.group_size is None and regular.campaign_key is None
        gb = display_price(s, SLUG, "TEE-R", campaign_key="gb1", at=T0)
        assert (gb.price, gb.list_price, gb.list_price_label, gb.kind) == (
            8000, 10000, "plain", "group_buy")
        assert (gb.group_size, gb.leader_price, gb.starts_at, gb.ends_at) == (3, 7000, T0, T1)
        assert display_price(s, SLUG, "TEE-W", campaign_key="gb1").leader_price is None
        bg = display_price(s, SLUG, "CUP", campaign_key="bg1")
        assert (bg.price, bg.bargain_floor, bg.bargain_helpers, bg.bargain_start) == (
            2500, 2500, 5, 5000)
        assert bg.bargain_cuts == tuple(cut_plan(5000, 2500, 5, 9))
        fs = display_price(s, SLUG, "SOCK", campaign_key="fs1", at=T0 + timedelta(hours=3))
        assert (fs.price, fs.slots, fs.running) == (600, (("10:00", "12:00"),), True)
        assert not display_price(s, SLUG, "SOCK", campaign_key="fs1", at=T0).running
        # the quote charges what the display price shows
        q = quote(s, SLUG, ["TEE-R:1@gb1", "CUP:1@bg1"], "member", T0)
        assert [x.unit for x in q.lines] == [gb.price, bg.price]
        for bad in ({"sku_code": "NOPE"}, {"sku_code": "CUP", "campaign_key": "gb1"},
                    {"sku_code": "CUP", "campaign_key": "zz"}):
            with pytest.raises(NotFoundError):
                display_price(s, SLUG, bad.pop("sku_code"), **bad)
        summaries = list_campaigns(s, SLUG)
    assert [(c.kind, c.key, c.product_code, c.sku_codes) for c in summaries] == [
        ("group_buy", "gb1", "TEE", ("TEE-R", "TEE-W")), ("bargain", "bg1", "CUP", ("CUP",)),
        ("flash_sale", "fs1", "SOCK", ("SOCK",))]
    assert summaries[1].rules["cut_plan"] == list(bg.bargain_cuts)
    with ws.session() as s:
        gb_rule = load_promos(s, SLUG).campaign("gb1")
    assert gb_rule is not None
    assert gb_rule.group_deadline(T0) == T0 + timedelta(hours=24)
    assert gb_rule.group_deadline(T1 - timedelta(hours=2)) == T1  # the campaign ends first
    assert summaries[0].as_json()["rules"]["group_size"] == 3


def test_demo_shop_has_promotions_that_pass_the_guard(demo_workspace: Workspace) -> None:
    with demo_workspace.session() as s:
        assert [c.key for c in cpsvc.list_coupons(s, "demo")] == ["c1", "c2"]
        assert [(c.kind, c.key) for c in list_campaigns(s, "demo")] == [
            ("group_buy", "gb1"), ("bargain", "bg1"), ("flash_sale", "fs1")]
        assert worst_case(s, "demo") == []
        home = next(p for p in page_svc.list_pages(s, "demo") if p.kind == "home")
        types = [c["type"] for c in home.components]
        for kind in ("coupon_strip", "group_buy_section", "bargain_section",
                     "flash_sale_section"):
            assert kind in types


def test_clone_copies_promotions(demo_workspace: Workspace) -> None:
    ws = demo_workspace
    with ws.session() as s:
        ssvc.clone_shop(s, "demo", "copy")
    with ws.session() as s:
        src = [cpsvc.coupon_data(c) for c in cpsvc.list_coupons(s, "demo")]
        assert [cpsvc.coupon_data(c) for c in cpsvc.list_coupons(s, "copy")] == src
        assert [c.as_json() for c in list_campaigns(s, "copy")] == [
            c.as_json() for c in list_campaigns(s, "demo")]
        copy_id = ssvc.get_shop(s, "copy").id
        for row in s.scalars(select(Campaign).where(Campaign.shop_id == copy_id)):
            assert s.get_one(Product, row.product_id).shop_id == copy_id
        # independent: deleting in the copy leaves the source alone
        csvc.delete_campaign(s, "copy", "gb1")
        cpsvc.delete_coupon(s, "copy", "c1")
    with ws.session() as s:
        assert csvc.get_campaign(s, "demo", "gb1").key == "gb1"
        assert cpsvc.get_coupon(s, "demo", "c1").key == "c1"
