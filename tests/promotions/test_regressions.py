"""Regressions found in review: each test failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shopbuilder.cli import main
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.services import products as psvc
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.storage import Workspace
from shopbuilder.promotions import campaigns as csvc
from shopbuilder.promotions import coupons as cpsvc
from shopbuilder.promotions.guard import worst_case
from shopbuilder.promotions.quote import quote
from tests.promotions.conftest import SLUG, T0, bargain, coupon, flash, group_buy

NOON = T0 + timedelta(hours=3)  # 11:00 in Shanghai, inside the 10:00–12:00 session


def units(q) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    return [(x.unit, x.campaign_key) for x in q.lines]


def reasons(q) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {n.key: n.reason for n in q.not_applied}


def test_limits_and_campaign_stock_count_every_line_of_the_cart(ws: Workspace) -> None:
    """Splitting a cart into several lines of the same SKU used to buy past every
    limit at the campaign price (3 flash units with a limit of 1)."""
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, flash(per_user_limit=2, sku_stock={"SOCK": 3}))
        csvc.add_campaign(s, SLUG, group_buy(per_order_limit=2))
        csvc.add_campaign(s, SLUG, bargain())
        q = quote(s, SLUG, ["SOCK:1", "SOCK:1", "SOCK:1"], "member", NOON)
        assert units(q) == [(600, "fs1"), (600, "fs1"), (999, None)]
        assert reasons(q)["fs1"] == "at most 2 per buyer"
        q = quote(s, SLUG, ["TEE-R:1@gb1", "TEE-W:1@gb1", "TEE-R:1@gb1"], "member", NOON)
        assert units(q) == [(8000, "gb1"), (8000, "gb1"), (10000, None)]
        assert reasons(q)["gb1"] == "at most 2 per order"
        q = quote(s, SLUG, ["CUP:1@bg1", "CUP:1@bg1"], "member", NOON)
        assert units(q) == [(2500, "bg1"), (5000, None)]
    with ws.session() as s:  # campaign stock: 3 SOCK at the flash price, not 4
        csvc.update_campaign(s, SLUG, "fs1", flash(key="fs1", sku_stock={"SOCK": 3}))
        q = quote(s, SLUG, ["SOCK:2", "SOCK:2"], "member", NOON)
        assert units(q) == [(600, "fs1"), (999, None)]
        assert reasons(q)["fs1"] == "only 3 left at this price"
        assert units(quote(s, SLUG, ["SOCK:4"], "member", NOON)) == [(999, None)]


def test_a_naive_quote_time_is_a_validation_error(ws: Workspace) -> None:
    with ws.session() as s:
        cpsvc.create_coupon(s, SLUG, coupon(threshold=0, value=100))
        with pytest.raises(ValidationError) as info:  # was a TypeError (exit 3)
            quote(s, SLUG, ["CUP:1"], "member", datetime(2026, 12, 1, 10))
    assert info.value.path == "at"


@pytest.fixture
def berlin(workspace: Workspace) -> Workspace:
    """A shop in a time zone with daylight saving (CET → CEST on 2026-03-29)."""
    with workspace.session() as s:
        ssvc.create_shop(s, "berlin", "Berlin", time_zone="Europe/Berlin")
        psvc.create_product(s, "berlin", psvc.ProductData(
            code="MUG", title="Mug", skus=[psvc.SkuData("MUG", 2000, stock=10)]))
    return workspace


def local(text: str, tz: str = "Europe/Berlin") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_day_counted_use_windows_end_at_local_midnight_across_dst(berlin: Workspace) -> None:
    """N days from the day after claim ends at local midnight, even when the clocks
    change in between (UTC + 24 h × N ended at 01:00 local, an hour too late)."""
    with berlin.session() as s:
        cpsvc.create_coupon(s, "berlin", coupon(
            threshold=0, value=100, claim_starts_at=local("2026-03-20T10:00"),
            claim_ends_at=local("2026-03-27T12:00"), use_mode="days_next",
            use_starts_at=None, use_ends_at=None, use_days=3))
        # claimed at the last moment (27th): usable 28th, 29th (DST starts), 30th
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-30T23:59")).coupon_keys == ("c1",)
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-31T00:30")).coupon_keys == ()
        # and not before the day after the first possible claim
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-20T23:59")).coupon_keys == ()
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-21T00:00")).coupon_keys == ("c1",)
        # N days from claim: claimed 27th 12:00 CET, usable until 30th 12:00 CEST
        cpsvc.update_coupon(s, "berlin", "c1", coupon(
            key="c1", threshold=0, value=100, claim_starts_at=local("2026-03-20T10:00"),
            claim_ends_at=local("2026-03-27T12:00"), use_mode="days",
            use_starts_at=None, use_ends_at=None, use_days=3))
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-30T11:59")).coupon_keys == ("c1",)
        assert quote(s, "berlin", ["MUG:1"], at=local("2026-03-30T12:30")).coupon_keys == ()


@pytest.mark.parametrize(("tz", "moment", "running"), [
    ("Asia/Shanghai", "2026-12-02T02:00:00+00:00", True),  # 10:00 local
    ("Asia/Shanghai", "2026-12-02T04:00:00+00:00", False),  # 12:00 local: session over
    ("Europe/Berlin", "2026-03-28T09:30:00+00:00", True),  # 10:30 CET
    ("Europe/Berlin", "2026-03-28T10:30:00+00:00", True),  # 11:30 CET
    ("Europe/Berlin", "2026-03-30T08:30:00+00:00", True),  # 10:30 CEST
    ("Europe/Berlin", "2026-03-30T10:30:00+00:00", False),  # 12:30 CEST
    ("Europe/Berlin", "2026-03-28T08:30:00+00:00", False),  # 09:30 CET
])
def test_flash_sessions_are_local_times_of_the_shop(workspace: Workspace, tz: str, moment: str,
                                                    running: bool) -> None:
    with workspace.session() as s:
        ssvc.create_shop(s, "tzshop", "TZ", time_zone=tz)
        psvc.create_product(s, "tzshop", psvc.ProductData(
            code="MUG", title="Mug", skus=[psvc.SkuData("MUG", 2000, stock=10)]))
        csvc.add_campaign(s, "tzshop", flash(
            product_code="MUG", sku_prices={"MUG": 1500}, slots=[("10:00", "12:00")],
            starts_at=datetime(2026, 3, 1, tzinfo=UTC), ends_at=datetime(2027, 1, 1, tzinfo=UTC)))
        q = quote(s, "tzshop", ["MUG:1"], at=datetime.fromisoformat(moment))
    assert q.lines[0].unit == (1500 if running else 2000)


def test_a_bargain_whose_sku_was_repriced_below_it_is_an_error(ws: Workspace) -> None:
    """The floor was only compared with the stored start price: a bargain ending above
    the regular price, advertised from a made-up original price, passed as a warning."""
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, bargain())  # CUP ¥50 → floor ¥25
        psvc.set_sku_price(s, SLUG, "CUP", price=2500)
        found = {(f.rule, str(f.severity), f.location) for f in worst_case(s, SLUG)}
    assert found == {("promo.price_not_below", "error", "bargains[0].sku_prices.CUP"),
                     ("promo.bargain_start_above_price", "error", "bargains[0].start_price")}


def test_quote_takes_several_lines_after_one_sku_option(ws: Workspace,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """`shopbuilder quote SHOP --sku CODE:QTY ...` as the issue writes it."""
    import json

    code = main(["--db", ws.url, "quote", SLUG, "--sku", "CUP:1", "SOCK:2", "--sku", "TEE-R:1",
                 "--at", "2026-12-01T20:00", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert [(x["sku_code"], x["qty"]) for x in json.loads(out.out)["lines"]] == [
        ("CUP", 1), ("SOCK", 2), ("TEE-R", 1)]


def test_a_sku_added_after_a_group_buy_has_no_group_price(ws: Workspace) -> None:
    """"Every SKU priced" was only checked when the group-buy was saved; a SKU added to
    the product later went to the bundle with no group price at all."""
    with ws.session() as s:
        csvc.add_campaign(s, SLUG, group_buy())
        data = psvc.product_data(psvc.get_product(s, SLUG, "TEE"))
        data.options[0].values.append("黑")
        data.skus.append(psvc.SkuData("TEE-B", 10000, stock=5, option_values=["黑"]))
        psvc.update_product(s, SLUG, "TEE", data)
        found = [(f.rule, str(f.severity), f.location) for f in worst_case(s, SLUG)]
    assert found == [("promo.sku_without_group_price", "error", "group_buys[0].sku_prices.TEE-B")]


@pytest.mark.parametrize(("data", "path"), [
    (group_buy(sku_prices=None), "sku_prices"),
    (group_buy(leader_prices=[("TEE-R", 7000)]), "leader_prices"),
    (flash(sku_prices=[("SOCK", 600)]), "sku_prices"),
    (flash(slots=None), "slots"),
])
def test_wrongly_shaped_campaign_fields_are_validation_errors(ws: Workspace, data: object,
                                                             path: str) -> None:
    """These crashed with TypeError/AttributeError (an internal error, exit 3)."""
    with pytest.raises(ValidationError) as info, ws.session() as s:
        csvc.add_campaign(s, SLUG, data)  # type: ignore[arg-type]
    assert path in [i.path for i in info.value.issues]
    with ws.session() as s:
        assert csvc.campaign_rows(s, SLUG) == []
