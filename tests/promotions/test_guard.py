"""The margin guard on a real shop: which combinations it finds and how it rates them."""

from __future__ import annotations

from datetime import timedelta

from shopbuilder.core.findings import Severity
from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from shopbuilder.promotions.guard import lowest_prices, worst_case
from tests.promotions.conftest import SLUG, T0, T1, coupon, group_buy


def by_rule(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    with ws.session() as s:
        out: dict[str, list[tuple[str, str]]] = {}
        for f in worst_case(s, SLUG):
            out.setdefault(f.rule, []).append((str(f.severity), f.location))
        return out


def test_a_clean_shop_has_no_findings(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon())
        csvc.add_campaign(s, SLUG, group_buy())
        assert worst_case(s, SLUG) == []
        lows = lowest_prices(s, SLUG)
    assert (lows["TEE-R"].lowest, lows["TEE-R"].via) == (8000, ("gb1",))
    # SOCK ¥9.99 with 满100减10 at the threshold edge: 9.99 × 90/100
    assert (lows["SOCK"].lowest, lows["SOCK"].via) == (899, ("c1",))
    assert lows["CUP"].location == "coupons[0]"


def test_a_no_threshold_coupon_above_a_price_is_a_free_item(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(threshold=0, value=1000))
        findings = worst_case(s, SLUG)
    assert [(f.rule, f.severity, f.location) for f in findings] == [
        ("promo.payable_zero", Severity.ERROR, "coupons[0]")]
    assert "SOCK" in findings[0].message and "¥0.00" in findings[0].message


def test_below_cost_is_an_error_unless_a_deliberate_loss_leader(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy(sku_prices={"TEE-R": 3000, "TEE-W": 8000}))
    assert by_rule(ws) == {"promo.below_cost": [("error", "group_buys[0].sku_prices.TEE-R")]}
    with ws.session() as s:
        csvc.update_campaign(s, SLUG, "gb1", group_buy(
            sku_prices={"TEE-R": 1000, "TEE-W": 8000}, loss_leader=True))
    assert by_rule(ws) == {
        "promo.below_cost": [("warning", "group_buys[0].sku_prices.TEE-R")],
        "promo.over_90_off": [("warning", "group_buys[0].sku_prices.TEE-R")]}


def test_a_loss_leader_campaign_does_not_excuse_a_coupon(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy(sku_prices={"TEE-R": 3000, "TEE-W": 8000},
                                             loss_leader=True))
        cpsvc.create_coupon(s, SLUG, coupon(key="x", kind="percent", value=62, threshold=0,
                                            scope="products", scope_items=["TEE"]))
    # TEE-R: ¥30 in the (deliberate) group-buy, but also ¥38 with the unmarked coupon:
    # the error names the coupon (it used to blame the group-buy marked as deliberate)
    assert by_rule(ws) == {"promo.below_cost": [
        ("error", "coupons[0]"), ("error", "coupons[0]"),
        ("warning", "group_buys[0].sku_prices.TEE-R")]}
    with ws.session() as s:
        tee_r = [f for f in worst_case(s, SLUG) if "TEE-R" in f.message]
    assert [(str(f.severity), f.location) for f in tee_r] == [
        ("error", "coupons[0]"), ("warning", "group_buys[0].sku_prices.TEE-R")]
    assert "¥38.00 through x" in tee_r[0].message and "¥30.00 through gb1" in tee_r[1].message


def test_stacked_coupons_and_campaign_windows(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="p1", kind="percent", value=50, threshold=0,
                                            stack_coupons=True))
        cpsvc.create_coupon(s, SLUG, coupon(key="p2", kind="percent", value=50, threshold=0,
                                            stack_coupons=True))
        lows = lowest_prices(s, SLUG)
    assert lows["CUP"].lowest == 0 and set(lows["CUP"].via) == {"p1", "p2"}
    with ws.session() as s:  # the two never run at the same time: no stack
        later = T1 + timedelta(days=1)
        cpsvc.update_coupon(s, SLUG, "p2", coupon(
            key="p2", kind="percent", value=50, threshold=0, stack_coupons=True,
            claim_starts_at=T1, claim_ends_at=later, use_starts_at=T1, use_ends_at=later))
        assert lowest_prices(s, SLUG)["CUP"].lowest == 2500
        # a coupon that combines with campaigns, but only after the group-buy ended
        csvc.add_campaign(s, SLUG, group_buy(ends_at=T0 + timedelta(days=1)))
        cpsvc.create_coupon(s, SLUG, coupon(
            key="late", threshold=0, value=7990, stack_campaigns=True,
            claim_starts_at=T1, claim_ends_at=later, use_starts_at=T1, use_ends_at=later))
        assert lowest_prices(s, SLUG)["TEE-W"].lowest == 2010  # 100 - 79.90, not 80 - 79.90


def test_stale_and_fabricated_campaigns(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy(auto_complete=True, auto_complete_pct=60))
        psvc.set_sku_price(s, SLUG, "TEE-W", price=7500)  # now below the group price
    assert by_rule(ws) == {
        "promo.fabricated_members": [("warning", "group_buys[0].auto_complete")],
        "promo.price_not_below": [("error", "group_buys[0].sku_prices.TEE-W")]}
