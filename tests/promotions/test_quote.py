"""The price engine on a real shop: campaign prices, coupon choice and the reasons
why other promotions did not apply."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from shopbuilder.promotions.quote import CartLine, parse_cart_line, quote
from tests.promotions.conftest import SLUG, T0, T1, coupon, flash, group_buy

NOON = T0 + timedelta(hours=3)  # 11:00 in Shanghai: inside the 10:00–12:00 flash session


def reasons(q) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {n.key: n.reason for n in q.not_applied}


def test_threshold_basis_is_the_eligible_subtotal(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="tops", scope="categories",
                                            scope_items=["服饰"], value=2000, threshold=15000))
        cpsvc.create_coupon(s, SLUG, coupon(key="all", value=1500, threshold=15000))
        q = quote(s, SLUG, ["TEE-R:1", "CUP:1"], "member", NOON)
        # the T恤 alone (¥100) is below ¥150: the category coupon cannot apply
        assert q.coupon_keys == ("all",)
        assert q.discount == 1500
        assert [line.discount for line in q.lines] == [1000, 500]  # 100:50 split
        assert reasons(q)["tops"] == ("threshold not met: needs ¥150.00 of eligible items, "
                                      "the cart has ¥100.00")
        q = quote(s, SLUG, ["TEE-R:1", "SOCK:6", "CUP:1"], "member", NOON)
        assert q.coupon_keys == ("tops",)  # 100 + 59.94 of 服饰 ≥ 150, and ¥20 > ¥15
        assert [line.discount for line in q.lines] == [1250, 750, 0]
        assert q.total == q.subtotal - 2000


def test_campaign_prices_and_non_combinable_coupons(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy(leader_prices={"TEE-R": 7000}))
        csvc.add_campaign(s, SLUG, flash())
        cpsvc.create_coupon(s, SLUG, coupon(key="all", value=500, threshold=0))
        q = quote(s, SLUG, ["TEE-R:1@gb1/leader", "SOCK:1"], "member", NOON)
        assert [(x.unit, x.campaign_key) for x in q.lines] == [(7000, "gb1"), (600, "fs1")]
        assert q.coupon_keys == ()
        assert reasons(q)["all"] == "not combinable with 拼团"
        # outside the flash session the regular price applies, and the coupon does
        evening = T0 + timedelta(hours=8)
        q = quote(s, SLUG, [CartLine("SOCK", 1)], "member", evening)
        assert (q.lines[0].unit, q.coupon_keys, q.total) == (999, ("all",), 499)
        assert reasons(q)["fs1"] == "outside window"
        q = quote(s, SLUG, ["TEE-W:1@gb1"], "member", T1 + timedelta(hours=1))
        assert q.lines[0].unit == 10000 and reasons(q)["gb1"] == "outside window"


def test_stacking_coupons_and_campaigns(ws: Workspace) -> None:
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy())
        cpsvc.create_coupon(s, SLUG, coupon(key="s1", value=1000, threshold=5000,
                                            stack_coupons=True, stack_campaigns=True))
        cpsvc.create_coupon(s, SLUG, coupon(key="s2", kind="percent", value=10, threshold=0,
                                            stack_coupons=True))
        cpsvc.create_coupon(s, SLUG, coupon(key="solo", value=1500, threshold=10000))
        q = quote(s, SLUG, ["TEE-R:1@gb1", "CUP:1"], "member", NOON)
        # s1 on 80 + 50, s2 on the cup only (not combinable with 拼团); solo needs ¥100 of
        # goods not bought through a campaign, and the cart has ¥50
        assert q.coupon_keys == ("s1", "s2")
        assert q.discount == 1000 + 500
        assert reasons(q)["solo"].startswith("threshold not met")
        q = quote(s, SLUG, ["TEE-R:1", "CUP:1"], "member", NOON)
        assert q.coupon_keys == ("s1", "s2")  # 10 + 15 beats solo's 15
        assert reasons(q)["solo"] == "not combinable with other coupons"


def test_who_gets_which_coupon(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="new", obtain="new_user", threshold=0,
                                            value=300))
        cpsvc.create_coupon(s, SLUG, coupon(key="code", obtain="code", redeem_code="ABCD1234",
                                            threshold=0, value=200))
        q = quote(s, SLUG, ["CUP:1"], "member", NOON)
        assert q.coupon_keys == ()
        assert reasons(q) == {"new": "new users only", "code": "needs its redeem code"}
        assert quote(s, SLUG, ["CUP:1"], "new", NOON).coupon_keys == ("new",)
        q = quote(s, SLUG, ["CUP:1"], "member", NOON, codes=["ABCD1234"])
        assert q.coupon_keys == ("code",)
        assert reasons(quote(s, SLUG, ["CUP:1"], "new", T1))["new"] == "outside window"


def test_days_after_claim_windows(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="d", threshold=0, value=100, use_mode="days",
                                            use_starts_at=None, use_ends_at=None, use_days=3))
        assert quote(s, SLUG, ["CUP:1"], "member", T1 + timedelta(days=2)).coupon_keys == ("d",)
        assert quote(s, SLUG, ["CUP:1"], "member", T1 + timedelta(days=3)).coupon_keys == ()


def test_bad_carts_are_validation_errors(ws: Workspace) -> None:
    with ws.session() as s:
        with pytest.raises(ValidationError) as info:
            quote(s, SLUG, ["NOPE:1", "CUP:0"], "member", NOON)
        assert [i.path for i in info.value.issues] == ["lines[0].sku", "lines[1].qty"]
        with pytest.raises(ValidationError):
            quote(s, SLUG, ["CUP:1"], "vip", NOON)
        with pytest.raises(ValidationError):
            parse_cart_line("CUP")
    assert parse_cart_line("A:B:3@gb1/leader") == CartLine("A:B", 3, "gb1", True)


def test_quotes_see_every_coupon_change(ws: Workspace) -> None:
    """Coupon rules are cached between quotes; any edit must show in the next quote."""
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(key="x", threshold=0, value=100))
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 100
        cpsvc.update_coupon(s, SLUG, "x", coupon(key="x", threshold=0, value=200))
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 200  # same session
    with ws.session() as s:
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 200
        cpsvc.delete_coupon(s, SLUG, "x")
        cpsvc.create_coupon(s, SLUG, coupon(key="x", threshold=0, value=300))
    with ws.session() as s:
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 300
        cpsvc.delete_coupon(s, SLUG, "x")
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 0
    with pytest.raises(RuntimeError), ws.session() as s:  # a rolled-back edit is forgotten
        cpsvc.create_coupon(s, SLUG, coupon(key="y", threshold=0, value=400))
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 400
        raise RuntimeError
    with ws.session() as s:
        assert quote(s, SLUG, ["CUP:1"], "member", NOON).discount == 0
