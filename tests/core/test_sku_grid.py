"""The SKU grid keeps typed data through every kind of option change."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from shopbuilder.core.services.products import SkuData
from shopbuilder.core.sku_grid import (
    GridOption,
    blank_sku,
    fill_codes,
    infer_renames,
    regrid,
    split_values,
)

COLOR = GridOption(1, "颜色", ["红", "蓝"])
SIZE = GridOption(2, "尺码", ["S", "M", "L"])


def typed_grid(options: list[GridOption]) -> list[SkuData]:
    """A grid where every row has distinctive typed data."""
    rows = []
    for n, values in enumerate(itertools.product(*[o.values for o in options])):
        rows.append(SkuData(code=f"C-{'-'.join(values)}", price=1000 + n, stock=10 + n,
                            option_values=list(values), cost=500 + n))
    return rows


def by_values(rows: list[SkuData]) -> dict[tuple[str, ...], SkuData]:
    return {tuple(r.option_values): r for r in rows}


def test_first_grid_is_the_cartesian_product() -> None:
    rows = regrid([], [blank_sku()], [COLOR, SIZE]).rows
    assert [r.option_values for r in rows] == [
        ["红", "S"], ["红", "M"], ["红", "L"], ["蓝", "S"], ["蓝", "M"], ["蓝", "L"]]


def test_add_value_keeps_typed_rows() -> None:
    rows = typed_grid([COLOR, SIZE])
    color2 = GridOption(1, "颜色", ["红", "蓝", "黑"])
    out = by_values(regrid([COLOR, SIZE], rows, [color2, SIZE]).rows)
    assert len(out) == 9
    for row in rows:
        assert out[tuple(row.option_values)] == row
    assert out[("黑", "M")].price is None and out[("黑", "M")].code == ""


def test_remove_value_keeps_the_others_and_stash_restores() -> None:
    rows = typed_grid([COLOR, SIZE])
    size2 = GridOption(2, "尺码", ["S", "L"])
    result = regrid([COLOR, SIZE], rows, [COLOR, size2])
    out = by_values(result.rows)
    assert set(out) == {("红", "S"), ("红", "L"), ("蓝", "S"), ("蓝", "L")}
    for row in rows:
        if row.option_values[1] != "M":
            assert out[tuple(row.option_values)] == row
    back = regrid([COLOR, size2], result.rows, [COLOR, SIZE], stash=result.dropped).rows
    assert back == rows


def test_rename_value_keeps_rows_under_the_new_name() -> None:
    rows = typed_grid([COLOR, SIZE])
    color2 = GridOption(1, "颜色", ["红", "深蓝"])
    out = by_values(regrid([COLOR, SIZE], rows, [color2, SIZE], renames={1: {"蓝": "深蓝"}}).rows)
    assert out[("深蓝", "L")].price == by_values(rows)[("蓝", "L")].price
    assert out[("深蓝", "L")].code == "C-蓝-L"


def test_add_option_keeps_rows_under_its_first_value() -> None:
    rows = typed_grid([COLOR])
    out = regrid([COLOR], rows, [COLOR, SIZE]).rows
    table = by_values(out)
    assert table[("红", "S")].code == "C-红" and table[("红", "S")].stock == rows[0].stock
    assert table[("红", "M")].price == rows[0].price  # prices inherited
    assert table[("红", "M")].stock == 0 and table[("红", "M")].code == ""
    assert sum(r.stock for r in out) == sum(r.stock for r in rows)


def test_remove_option_collapses_onto_the_first_row() -> None:
    rows = typed_grid([COLOR, SIZE])
    out = regrid([COLOR, SIZE], rows, [COLOR]).rows
    assert [r.option_values for r in out] == [["红"], ["蓝"]]
    assert out[0].code == "C-红-S" and out[1].code == "C-蓝-S"
    assert out[1].price == by_values(rows)[("蓝", "S")].price


def test_option_without_values_does_not_empty_the_grid() -> None:
    rows = typed_grid([COLOR])
    out = regrid([COLOR], rows, [COLOR, GridOption(3, "材质", [])]).rows
    assert out == rows


def test_product_without_options_to_options_and_back() -> None:
    single = [SkuData(code="P", price=990, stock=7)]
    grid = regrid([], single, [COLOR]).rows
    assert grid[0].code == "P" and grid[0].stock == 7 and grid[1].price == 990
    assert regrid([COLOR], grid, []).rows == single


def test_reordering_options_and_values_keeps_data() -> None:
    rows = typed_grid([COLOR, SIZE])
    size2 = GridOption(2, "尺码", ["L", "M", "S"])
    out = regrid([COLOR, SIZE], rows, [size2, COLOR]).rows
    assert out[0].option_values == ["L", "红"]
    assert out[0].price == by_values(rows)[("红", "L")].price


def test_infer_renames_and_split() -> None:
    assert infer_renames(["红", "蓝"], ["红", "深蓝"]) == {"蓝": "深蓝"}
    assert infer_renames(["红", "蓝"], ["红", "蓝", "黑"]) == {}
    assert infer_renames(["红", "蓝"], ["蓝", "红"]) == {}
    assert split_values("红, 蓝，黑、白;;") == ["红", "蓝", "黑", "白"]


def test_fill_codes() -> None:
    rows = [SkuData(code="X-1", price=1), blank_sku(), blank_sku()]
    fill_codes("X", rows)
    assert [r.code for r in rows] == ["X-1", "X-2", "X-3"]
    single = [blank_sku()]
    fill_codes("Y", single)
    assert single[0].code == "Y"


values_st = st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=4, unique=True)


@given(st.lists(values_st, min_size=0, max_size=3), st.data())
def test_any_value_change_keeps_every_surviving_combination(
        old_values: list[list[str]], data: st.DataObject) -> None:
    old = [GridOption(k, f"o{k}", v) for k, v in enumerate(old_values)]
    rows = typed_grid(old)
    new = [GridOption(o.key, o.name, data.draw(values_st)) for o in old]
    result = regrid(old, rows, new)
    out = by_values(result.rows)
    assert len(result.rows) == len(list(itertools.product(*[o.values for o in new])))
    for row in rows:
        key = tuple(row.option_values)
        if all(v in o.values for v, o in zip(key, new, strict=True)):
            assert out[key] == row
        else:
            assert row in result.dropped.values()
    # and going back with the stash restores the original grid exactly
    assert regrid(new, result.rows, old, stash=result.dropped).rows == rows


@given(st.lists(values_st, min_size=1, max_size=2), values_st)
def test_adding_an_option_keeps_codes_and_total_stock(
        old_values: list[list[str]], extra: list[str]) -> None:
    old = [GridOption(k, f"o{k}", v) for k, v in enumerate(old_values)]
    rows = typed_grid(old)
    new = [*old, GridOption(99, "new", extra)]
    out = regrid(old, rows, new).rows
    assert sum(r.stock for r in out) == sum(r.stock for r in rows)
    assert {r.code for r in out if r.code} == {r.code for r in rows}
    assert regrid(new, out, old).rows == rows
