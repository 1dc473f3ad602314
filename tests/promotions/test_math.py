"""Properties of the money math: cut plans and discount splits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopbuilder.core.errors import ValidationError
from shopbuilder.promotions.cutplan import cut_plan, price_after
from shopbuilder.promotions.split import split


@given(st.integers(0, 10**7), st.integers(2, 200), st.integers(0, 2**40), st.data())
def test_cut_plan_properties(floor: int, helpers: int, seed: int, data: st.DataObject) -> None:
    start = floor + data.draw(st.integers(helpers, helpers + 10**6))
    plan = cut_plan(start, floor, helpers, seed)
    assert len(plan) == helpers
    assert sum(plan) == start - floor
    assert all(c >= 1 for c in plan)
    assert plan == sorted(plan, reverse=True)  # front-loaded, non-increasing
    assert plan[0] == max(plan)
    assert plan == cut_plan(start, floor, helpers, seed)  # deterministic
    assert price_after(start, plan, helpers) == floor


def test_cut_plan_known_values() -> None:
    # Published in bundles: a change here changes what buyers were promised.
    assert cut_plan(7900, 1900, 5, 1) == [2569, 1560, 947, 575, 349]
    assert cut_plan(10, 0, 10, 3) == [1] * 10
    assert cut_plan(100, 0, 3, 7) == [51, 31, 18]
    assert cut_plan(5000, 2500, 5, 1) != cut_plan(5000, 2500, 5, 2)  # the seed matters


@pytest.mark.parametrize(("start", "floor", "helpers"), [(100, 99, 2), (100, 0, 0), (5, 5, 2)])
def test_cut_plan_refuses_impossible_plans(start: int, floor: int, helpers: int) -> None:
    with pytest.raises(ValidationError):
        cut_plan(start, floor, helpers, 0)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.data())
def test_split_is_exact_and_bounded(bases: list[int], data: st.DataObject) -> None:
    amount = data.draw(st.integers(0, sum(bases)))
    shares = split(amount, bases)
    assert sum(shares) == amount
    assert all(0 <= s <= b for s, b in zip(shares, bases, strict=True))


def test_split_puts_the_remainder_on_the_last_line() -> None:
    assert split(100, [100, 100, 100]) == [33, 33, 34]
    assert split(200, [100, 100, 1]) == [99, 100, 1]  # last line full: spill backwards
    with pytest.raises(ValueError):
        split(4, [1, 2])
