"""Every lint rule with a failing and a passing case.

Document rules run on the tiny shop's documents with one change each; rules that need
the shop's database (price history, margin guard) run on a real workspace."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.builders import build_documents, identity_ref, load_state
from shopbuilder.bundle.lint import RULES, LintContext, lint_shop
from shopbuilder.bundle.lint.registry import run_rules
from shopbuilder.core.findings import Finding
from shopbuilder.core.models import Asset, PriceHistory, Sku
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.services import shops as shop_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.core.timeutil import utcnow
from tests.bundle.conftest import TINY, build_tiny_shop

Docs = dict[str, Any]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Docs, dict[str, tuple[int, int]]]:
    ws = Workspace.open(f"sqlite:///{tmp_path_factory.mktemp('lint') / 'ws.db'}")
    try:
        build_tiny_shop(ws)
        with ws.session() as s:
            state = load_state(s, TINY)
            sizes = {a.sha256: (a.width, a.height) for a in s.scalars(select(Asset))}
            return build_documents(state, identity_ref), sizes  # type: ignore[return-value]
    finally:
        ws.close()


def run(rule_id: str, docs: Docs, sizes: dict[str, tuple[int, int]]) -> list[Finding]:
    ctx = LintContext(docs, lambda sha: sizes.get(sha), TINY)
    return run_rules(ctx, [RULES[rule_id]])


def home(d: Docs) -> dict[str, Any]:
    return d["pages/home.json"]


def product(d: Docs, i: int = 0) -> dict[str, Any]:
    return d[fmt.PRODUCTS]["products"][i]


def share_size(sizes: dict[str, tuple[int, int]], d: Docs, size: tuple[int, int]) -> None:
    sizes[d[fmt.SHOP]["share"]["image"]] = size


def add_bargain(d: Docs, **kw: Any) -> None:
    bargain = {"key": "bg1", "title": "砍价", "product_code": "P1", "sku_code": "P1-1",
               "start_price": 7900, "floor_price": 4900, "helpers": 3,
               "cut_plan": [1500, 1000, 500], "sku_prices": {}}
    bargain.update(kw)
    d[fmt.BARGAINS]["bargains"].append(bargain)


# rule id → a change to the clean documents that the rule must report (with `where`)
FAILING: dict[str, tuple[Callable[[Docs, dict[str, tuple[int, int]]], None], str]] = {
    "ref.tab_page": (lambda d, s: d[fmt.APP]["tabBar"]["list"][1].update(
        pagePath="pages/gone/index"), "tab_bar[1].page"),
    "ref.component": (lambda d, s: home(d)["components"][2]["settings"]["product_codes"].append(
        "GONE"), "pages.home.components[2].settings.product_codes[2]"),
    "ref.promotion": (lambda d, s: d[fmt.COUPONS]["coupons"][0].update(
        scope="products", scope_items=["GONE"]), "coupons[0].scope_items[0]"),
    "catalog.no_image": (lambda d, s: product(d).update(images=[]), "products[0].images"),
    "catalog.no_stock": (lambda d, s: [k.update(stock=0) for k in product(d)["skus"]],
                         "products[0].skus"),
    "price.msrp_label": (lambda d, s: d[fmt.SHOP]["price_labels"].update(msrp="建议价"),
                         "shop.price_labels.msrp"),
    "price.lowest_claim": (lambda d, s: product(d).update(title="全网最低价T恤"),
                           "products[0].title"),
    "wechat.inducement": (lambda d, s: d[fmt.SHOP]["share"].update(title="转发给3个群领红包"),
                          "shop.share.title"),
    "wechat.unlock_by_sharing": (lambda d, s: d[fmt.COUPONS]["coupons"][0].update(
        unlock_by_share=True), "coupons.coupons[0].unlock_by_share"),
    "wechat.bargain_plan": (lambda d, s: add_bargain(d, cut_plan=[]), "bargains[0].cut_plan"),
    "wechat.group_auto_complete": (lambda d, s: d[fmt.GROUP_BUYS]["group_buys"].append(
        {"key": "gb1", "product_code": "P1", "sku_prices": {}, "auto_complete": True}),
        "group_buys[0].auto_complete"),
    "platform.tab_count": (lambda d, s: d[fmt.APP]["tabBar"].update(
        list=d[fmt.APP]["tabBar"]["list"][:1]), "tab_bar"),
    "platform.tab_label": (lambda d, s: d[fmt.APP]["tabBar"]["list"][0].update(
        text="我的购物车呀"), "tab_bar[0].label"),
    "platform.share_ratio": (lambda d, s: share_size(s, d, (500, 500)), "shop.share.image"),
    "platform.qr_scene": (lambda d, s: None, "shop.slug"),  # see test_qr_scene below
    "platform.page_path": (lambda d, s: d[fmt.APP]["pages"].append("/pages/x/index"),
                           "app.pages[7]"),
    "law.licence_home": (lambda d, s: home(d).update(components=home(d)["components"][:3]),
                         "pages.home.components"),
}
SESSION_RULES = {"price.list_above_7day_low", "money.margin_guard"}


def test_every_rule_has_cases() -> None:
    assert set(FAILING) | SESSION_RULES == set(RULES)
    for r in RULES.values():  # the registry is the documentation
        assert r.description and r.area and r.severity in ("error", "warning", "info")


@pytest.mark.parametrize("rule_id", sorted(set(FAILING) - {"platform.qr_scene"}))
def test_rule_passes_on_the_clean_shop_and_fails_on_the_change(
        rule_id: str, clean: tuple[Docs, dict[str, tuple[int, int]]]) -> None:
    docs, sizes = copy.deepcopy(clean[0]), dict(clean[1])
    assert run(rule_id, docs, sizes) == []
    change, where = FAILING[rule_id]
    change(docs, sizes)
    found = run(rule_id, docs, sizes)
    assert [(f.rule, f.location) for f in found][:1] == [(rule_id, where)]
    assert found[0].severity == RULES[rule_id].severity and found[0].message


def test_qr_scene(clean: tuple[Docs, dict[str, tuple[int, int]]]) -> None:
    docs, sizes = clean
    assert run_rules(LintContext(docs, sizes.get, "tiny"), [RULES["platform.qr_scene"]]) == []
    long_slug = "a-very-long-shop-id-x" * 2  # makes every scene longer than 32
    found = run_rules(LintContext(docs, sizes.get, long_slug), [RULES["platform.qr_scene"]])
    assert [f.location for f in found] == ["shop.slug"]


def test_inducement_phrases_and_red_packets_only_in_share_titles(
        clean: tuple[Docs, dict[str, tuple[int, int]]]) -> None:
    docs = copy.deepcopy(clean[0])
    home(docs)["share_title"] = "分享后解锁隐藏优惠"
    docs[fmt.COUPONS]["coupons"][0]["name"] = "红包券"  # 红包 outside a share title is fine
    add_bargain(docs, title="不转不是中国人")
    found = {f.location for f in run("wechat.inducement", docs, clean[1])}
    assert found == {"pages.home.share_title", "bargains[0].title"}


def test_bargain_with_random_cuts_or_a_wrong_plan(
        clean: tuple[Docs, dict[str, tuple[int, int]]]) -> None:
    docs = copy.deepcopy(clean[0])
    add_bargain(docs)
    assert run("wechat.bargain_plan", docs, clean[1]) == []
    add_bargain(docs, key="bg2", cut_plan=[100, 100, 100], cut_mode="random")
    found = {f.location for f in run("wechat.bargain_plan", docs, clean[1])}
    assert found == {"bargains[1].cut_plan", "bargains[1].cut_mode"}


# ---------------------------------------------------------------- rules with a session


def _set_history(ws: Workspace, sku_code: str, prices: list[tuple[int, int]]) -> None:
    """Replace a SKU's price history with (days ago, price) records."""
    now = utcnow()
    with ws.session() as s:
        sku = s.scalar(select(Sku).where(Sku.code == sku_code))
        assert sku is not None
        for row in s.scalars(select(PriceHistory).where(PriceHistory.sku_id == sku.id)):
            s.delete(row)
        for days, price in prices:
            s.add(PriceHistory(shop_id=sku.shop_id, sku_id=sku.id, price=price,
                               recorded_at=now - timedelta(days=days)))


def _price_findings(ws: Workspace) -> list[str]:
    with ws.session() as s:
        return [f.location for f in lint_shop(s, TINY) if f.rule == "price.list_above_7day_low"]


def test_list_price_against_the_7_days_before_the_cut(tiny_workspace: Workspace) -> None:
    ws = tiny_workspace
    with ws.session() as s:
        product_svc.set_sku_price(s, TINY, "P1-1", price=7900, list_price=9900)
    # 9900 for 20 days, cut to 7900 yesterday: 划线价 9900 is the real earlier price
    _set_history(ws, "P1-1", [(20, 9900), (1, 7900)])
    assert _price_findings(ws) == []
    # but the week before the cut it sold at 8900 for a while: 9900 is too high
    _set_history(ws, "P1-1", [(20, 9900), (5, 8900), (3, 9900), (1, 7900)])
    assert _price_findings(ws) == ["products[0].skus[0].list_price"]
    # a 划线价 that was never a real price
    _set_history(ws, "P1-1", [(20, 7900)])
    assert _price_findings(ws) == ["products[0].skus[0].list_price"]


def test_an_msrp_label_is_not_held_to_the_7_day_rule(tiny_workspace: Workspace) -> None:
    # P2's SKUs carry a 厂商建议零售价 above a price that never changed
    with tiny_workspace.session() as s:
        assert [f for f in lint_shop(s, TINY) if f.rule.startswith("price.")] == []
        shop_svc.set_shop_setting(s, TINY, "price_labels", {"plain": "", "msrp": "原价"})
        assert [f.location for f in lint_shop(s, TINY)] == ["shop.price_labels.msrp"]


def test_margin_guard_findings_are_part_of_lint(tiny_workspace: Workspace) -> None:
    from datetime import UTC, datetime

    from shopbuilder.promotions.coupons import create_coupon
    from shopbuilder.promotions.rules import CouponData

    with tiny_workspace.session() as s:
        assert not [f for f in lint_shop(s, TINY) if f.rule.startswith("promo.")]
        create_coupon(s, TINY, CouponData(  # no threshold, 100 yuan off a 49 yuan cup
            key="c9", name="大额券", value=10000, threshold=0,
            claim_starts_at=datetime(2030, 1, 1, tzinfo=UTC),
            claim_ends_at=datetime(2030, 2, 1, tzinfo=UTC), use_mode="days", use_days=7))
        found = [f for f in lint_shop(s, TINY) if f.rule.startswith("promo.")]
    assert found and any(f.severity == "error" for f in found)
