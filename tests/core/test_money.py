from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.money import format_money, parse_money


@pytest.mark.parametrize(("text", "fen"), [
    ("¥1,299.00", 129900), ("1299", 129900), ("1299.5", 129950), ("１２９９", 129900),
    ("￥0.01", 1), (" 12.30 元", 1230), ("0", 0), ("-5", -500), (7, 700),
])
def test_parse_money_accepts_what_sheets_contain(text: str, fen: int) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", "", "1.2.3", "¥", "1e3", "--1"])
def test_parse_money_rejects_and_names_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_money(text, path="skus[0].price")
    assert info.value.path == "skus[0].price"


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_format_then_parse_round_trips(fen: int) -> None:
    assert parse_money(format_money(fen)) == fen
