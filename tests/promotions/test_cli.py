"""`shopbuilder coupon|campaign|quote|promo`: options, JSON shapes and exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shopbuilder.cli import main
from shopbuilder.core.storage import Workspace
from tests.promotions.conftest import SLUG


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, Any, str]:
    try:
        code = main(["--db", url, *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    try:
        data = json.loads(out.out)
    except json.JSONDecodeError:
        data = out.out
    return code, data, out.err


def test_coupon_commands(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    url = ws.url
    code, data, err = run(capsys, url, "coupon", "add", SLUG, "--name", "满199减30",
                          "--value", "30", "--threshold", "199", "--claim-start",
                          "2026-12-01", "--claim-end", "2026-12-31", "--use-days", "7",
                          "--total", "100", "--json")
    assert code == 0, err
    assert (data["key"], data["value"], data["threshold"], data["use_mode"]) == (
        "c1", 3000, 19900, "days")
    assert data["claim_starts_at"] == "2026-11-30T16:00:00+00:00"  # Shanghai midnight
    code, data, err = run(capsys, url, "coupon", "add", SLUG, "--name", "9折", "--kind",
                          "percent", "--value", "10", "--cap", "50", "--scope", "categories",
                          "--item", "家居", "--claim-end", "2030-01-01", "--stack-coupons",
                          "--key", "pct", "--json")
    assert code == 0, err
    assert (data["value"], data["cap"], data["scope_items"], data["stack_coupons"]) == (
        10, 5000, ["家居"], True)
    code, data, err = run(capsys, url, "coupon", "add", SLUG, "--name", "坏券", "--value", "20",
                          "--threshold", "10", "--claim-end", "2030-01-01")
    assert code == 1 and "value:" in err
    code, _data, err = run(capsys, url, "coupon", "add", SLUG, "--name", "x", "--value", "1",
                           "--threshold", "1.234", "--claim-end", "2030-01-01")
    assert code == 2 and "1.234" in err  # a bad money option is a usage error
    code, data, _err = run(capsys, url, "coupon", "list", SLUG, "--json")
    assert [c["key"] for c in data] == ["c1", "pct"]
    code, data, _err = run(capsys, url, "coupon", "show", SLUG, "pct", "--json")
    assert data["name"] == "9折"
    assert run(capsys, url, "coupon", "delete", SLUG, "pct", "--json")[0] == 0
    code, _data, err = run(capsys, url, "coupon", "show", SLUG, "pct")
    assert code == 1 and "pct" in err


def test_campaign_quote_and_check_commands(ws: Workspace,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = ws.url
    window = ["--start", "2026-12-01T00:00", "--end", "2026-12-31T00:00", "--json"]
    code, data, err = run(capsys, url, "campaign", "add-group-buy", SLUG, "--title", "两人团",
                          "--product", "TEE", "--price", "80", "--sku-leader-price",
                          "TEE-R=70", "--group-size", "2", "--stock", "TEE-R=5", *window)
    assert code == 0, err
    assert (data["key"], data["sku_prices"], data["leader_prices"], data["sku_stock"]) == (
        "gb1", {"TEE-R": 8000, "TEE-W": 8000}, {"TEE-R": 7000}, {"TEE-R": 5, "TEE-W": 30})
    code, data, err = run(capsys, url, "campaign", "add-bargain", SLUG, "--title", "砍杯子",
                          "--sku", "CUP", "--floor", "25", "--helpers", "5", "--seed", "1",
                          *window)
    assert code == 0, err
    assert sum(data["cut_plan"]) == 2500 and len(data["cut_plan"]) == 5
    code, data, err = run(capsys, url, "campaign", "add-flash", SLUG, "--title", "袜子秒杀",
                          "--product", "SOCK", "--sku-price", "SOCK=6", "--slot",
                          "10:00-12:00", *window)
    assert code == 0, err
    assert data["settings"]["slots"] == [["10:00", "12:00"]]
    code, _data, err = run(capsys, url, "campaign", "add-flash", SLUG, "--title", "又一场",
                           "--product", "SOCK", "--price", "5", "--slot", "11:00-13:00",
                           *window)
    assert code == 1 and "sku_prices" in err
    code, data, _err = run(capsys, url, "campaign", "list", SLUG, "--kind", "bargain", "--json")
    assert [c["key"] for c in data] == ["bg1"]
    code, data, err = run(capsys, url, "quote", SLUG, "--sku", "TEE-R:1@gb1/leader", "--sku",
                          "SOCK:2", "--at", "2026-12-02T11:00", "--buyer", "new", "--json")
    assert code == 0, err
    assert [(x["unit"], x["campaign_key"]) for x in data["lines"]] == [
        (7000, "gb1"), (600, "fs1")]
    assert data["total"] == 7000 + 1200
    code, data, _err = run(capsys, url, "promo", "check", SLUG, "--json")
    assert (code, data) == (0, [])
    run(capsys, url, "coupon", "add", SLUG, "--name", "无门槛", "--value", "10",
        "--claim-end", "2030-01-01")
    code, data, _err = run(capsys, url, "promo", "check", SLUG, "--json")
    assert code == 1
    assert data[0] == {"rule": "promo.payable_zero", "severity": "error",
                       "location": "coupons[0]", "message": data[0]["message"]}
    assert run(capsys, url, "campaign", "delete", SLUG, "fs1")[0] == 0
    assert run(capsys, url, "campaign", "show", SLUG, "fs1")[0] == 1
