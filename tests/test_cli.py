"""The CLI end to end, in a subprocess, against a temp database (SHOPBUILDER_DB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SHOPBUILDER_DB=db, SHOPBUILDER_LANG="en",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "shopbuilder", *args], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'x.db'}"
    out = run(url, "demo")
    assert out.returncode == 0, out.stderr
    return url


def test_demo_then_shop_list_json(db: str) -> None:
    out = run(db, "shop", "list", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    demo = next(r for r in rows if r["slug"] == "demo")
    assert demo["product_count"] >= 12
    assert demo["sku_count"] > demo["product_count"]


def test_db_option_overrides_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(url, "--db", url, "shop", "create", "solo", "--name", "独店").returncode == 0
    rows = json.loads(run("sqlite:///" + str(tmp_path / "unused.db"), "--db", url, "shop", "list",
                          "--json").stdout)
    assert [r["slug"] for r in rows] == ["solo"]


def test_shop_show_and_product_commands(db: str) -> None:
    shop = json.loads(run(db, "shop", "show", "demo", "--json").stdout)
    assert shop["tab_bar"][0]["label"] == "首页"
    assert "home" in [p["key"] for p in shop["pages"]]
    out = run(db, "product", "add", "demo", "--code", "CLI-1", "--title", "命令行商品",
              "--price", "¥1,299.00", "--list-price", "1599", "--stock", "4",
              "--option", "颜色=红,蓝", "--category", "服饰/上衣", "--json")
    assert out.returncode == 0, out.stderr
    added = json.loads(out.stdout)
    assert [k["price"] for k in added["skus"]] == [129900, 129900]
    assert added["category"] == "服饰/上衣"
    shown = json.loads(run(db, "product", "show", "demo", "CLI-1", "--json").stdout)
    assert shown["skus"] == added["skus"]
    listed = json.loads(run(db, "product", "list", "demo", "--json").stdout)
    assert "CLI-1" in [p["code"] for p in listed]


def test_validation_error_exits_1_and_names_the_field(db: str) -> None:
    out = run(db, "product", "add", "demo", "--code", "BAD", "--title", "x", "--price", "10",
              "--list-price", "5")
    assert out.returncode == 1
    assert "skus[0].list_price" in out.stderr
    listed = json.loads(run(db, "product", "list", "demo", "--json").stdout)
    assert "BAD" not in [p["code"] for p in listed]


def test_missing_shop_exits_1(db: str) -> None:
    out = run(db, "shop", "show", "ghost")
    assert out.returncode == 1 and "ghost" in out.stderr


def test_usage_errors_exit_2(db: str) -> None:
    assert run(db, "shop", "frobnicate").returncode == 2
    out = run(db, "product", "add", "demo", "--code", "X", "--title", "x", "--price", "1.234")
    assert out.returncode == 2 and "--price" in out.stderr


def test_clone_and_delete(db: str) -> None:
    out = run(db, "shop", "clone", "demo", "demo-copy", "--name", "副本", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["name"] == "副本"
    assert run(db, "shop", "clone", "demo", "demo-copy").returncode == 1
    assert run(db, "shop", "delete", "demo-copy").returncode == 0
    slugs = [r["slug"] for r in json.loads(run(db, "shop", "list", "--json").stdout)]
    assert "demo-copy" not in slugs and "demo" in slugs


def test_second_demo_with_same_slug_is_a_clear_error(db: str) -> None:
    out = run(db, "demo")
    assert out.returncode == 1 and "slug" in out.stderr
