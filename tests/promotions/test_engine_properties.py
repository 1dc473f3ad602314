"""Hypothesis properties of the price engine and the margin guard, on random shops."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shopbuilder.promotions.guard import lowest_prices_of
from shopbuilder.promotions.quote import (
    best_coupons,
    coupon_candidates,
    coupon_line_discounts,
    price_lines,
    quote_promos,
)
from tests.promotions.strategies import carts, hours, shops


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_quote_is_exact_and_never_negative(data: st.DataObject) -> None:
    promos = data.draw(shops())
    cart = data.draw(carts(promos))
    q = quote_promos(promos, cart, data.draw(st.sampled_from(["new", "member"])),
                     hours(data.draw(st.integers(0, 110))))
    assert q.discount == sum(line.discount for line in q.lines)
    assert q.total == q.subtotal - q.discount == sum(line.total for line in q.lines)
    assert q.total >= 0
    for line in q.lines:
        assert 0 <= line.discount <= line.subtotal
        assert line.total >= 0
        assert line.subtotal == line.unit * line.qty
    assert q.goods_total >= q.subtotal
    assert len(set(q.coupon_keys)) == len(q.coupon_keys)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_chosen_coupons_are_optimal_versus_brute_force(data: st.DataObject) -> None:
    promos = data.draw(shops(max_coupons=6))
    cart = data.draw(carts(promos))
    buyer = data.draw(st.sampled_from(["new", "member"]))
    at = hours(data.draw(st.integers(0, 110)))
    camps, _units, amounts = price_lines(promos, cart, buyer, at, [])
    candidates = coupon_candidates(promos, cart, camps, amounts, buyer, at, (), [])
    best = 0
    for n in range(1, len(candidates) + 1):
        for combo in itertools.combinations(candidates, n):
            if n > 1 and not all(c.stack_coupons for c, _idx in combo):
                continue  # a coupon that does not stack is only ever used alone
            best = max(best, sum(coupon_line_discounts(list(combo), amounts)))
    chosen, discounts = best_coupons(candidates, amounts)
    assert sum(discounts) == best
    assert quote_promos(promos, cart, buyer, at).discount == best
    assert len(chosen) <= 1 or all(c.stack_coupons for c, _idx in chosen)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_worst_case_is_at_most_every_quoted_price(data: st.DataObject) -> None:
    promos = data.draw(shops())
    lows, _pairs = lowest_prices_of(promos)
    for _ in range(5):
        cart = data.draw(carts(promos))
        q = quote_promos(promos, cart, data.draw(st.sampled_from(["new", "member"])),
                         hours(data.draw(st.integers(0, 110))))
        # each applied coupon is split over the lines on its own, and the last line
        # absorbs that split's rounding remainder (< one fen per other line)
        slack = (len(q.lines) - 1) * max(1, len(q.coupon_keys))
        for line in q.lines:
            paid = Fraction(line.total, line.qty)
            assert lows[line.sku_code].lowest <= paid + slack, (line, lows[line.sku_code])
            if len(q.lines) == 1:
                assert lows[line.sku_code].lowest <= paid


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_campaign_limits_and_stock_hold_however_the_cart_is_split(data: st.DataObject) -> None:
    promos = data.draw(shops(max_coupons=0))
    cart = data.draw(carts(promos, max_lines=6))
    q = quote_promos(promos, cart, data.draw(st.sampled_from(["new", "member"])),
                     hours(data.draw(st.integers(0, 110))))
    for camp in promos.campaigns:
        bought = [x for x in q.lines if x.campaign_key == camp.key]
        for limit in (camp.per_user_limit, camp.per_order_limit):
            assert limit is None or sum(x.qty for x in bought) <= limit
        for code, stock in camp.sku_stock.items():
            assert sum(x.qty for x in bought if x.sku_code == code) <= stock
