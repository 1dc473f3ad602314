"""Catalogue import speed: N SKU rows (N/5 products × 5 SKUs, no images) into SQLite.

Prints rows/s, peak RSS and the ratio to a floor measured in the same run: the same
product, SKU and price-history rows inserted with the standard `sqlite3` module,
`executemany`, one transaction, into the same schema. Goals: import ≤ 3× the floor,
re-import of the unchanged file ≤ 2×, peak RSS < 500 MB.

    .venv/bin/python bench/bench_catalog_import.py [ROWS] [--repeat 3] [--sheet csv|xlsx]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from shopbuilder.catalog.fields import FIELD_BY_KEY
from shopbuilder.catalog.importer import ImportOptions, import_file
from shopbuilder.core.services.shops import create_shop
from shopbuilder.core.storage import Workspace

COLUMNS = ("title", "product_code", "option1_name", "option1_value", "option2_name",
           "option2_value", "sku_code", "price", "list_price", "cost", "stock", "weight_kg",
           "category", "tags", "status")
COLORS = ("红", "蓝", "黑", "白", "灰")


def make_rows(n_rows: int) -> list[dict[str, str]]:
    rows = []
    for p in range(n_rows // 5):
        for k in range(5):
            first = k == 0
            rows.append({
                "title": f"商品 {p}" if first else "", "product_code": f"P{p:06d}",
                "option1_name": "颜色" if first else "", "option1_value": COLORS[k],
                "option2_name": "尺码" if first else "", "option2_value": "M",
                "sku_code": f"P{p:06d}-{k}", "price": f"{99 + p % 50}.{k}0",
                "list_price": f"{199 + p % 50}.00", "cost": "30", "stock": str(10 + k),
                "weight_kg": "0.25", "category": f"分类{p % 10}/子类{p % 7}" if first else "",
                "tags": "新品,热卖" if first else "", "status": "上架" if first else "",
            })
    return rows


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("商品")
    sheet.append([FIELD_BY_KEY[c].header for c in COLUMNS])
    for r in rows:
        sheet.append([r[c] for c in COLUMNS])
    book.save(path)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([FIELD_BY_KEY[c].header for c in COLUMNS])
        writer.writerows([r[c] for c in COLUMNS] for r in rows)


def floor(db: Path, rows: list[dict[str, str]]) -> tuple[float, float]:
    """The same rows into the same schema with plain sqlite3 and the workspace's pragmas —
    parameters fully built (ids assigned, JSON serialised) before the clock starts, so
    only the inserts and the commit are timed."""
    ws = Workspace.open(f"sqlite:///{db}")  # creates the schema through the migrations
    ws.close()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    opts = json.dumps([{"name": "颜色", "values": list(COLORS)},
                       {"name": "尺码", "values": ["M"]}])
    product_ids: dict[str, int] = {}
    products = []
    for r in rows:
        if r["title"]:
            product_ids[r["product_code"]] = pid = len(product_ids) + 1
            products.append((pid, 1, r["product_code"], r["title"], "", "", None,
                             '["新品", "热卖"]', "[]", 1, 0, opts, now, now, 1))
    skus = [(i, 1, product_ids[r["product_code"]], r["sku_code"],
             json.dumps([r["option1_value"], r["option2_value"]]),
             int(r["price"].replace(".", "")), int(r["list_price"].replace(".", "")), "plain",
             3000, int(r["stock"]), 250, None, now, now, 1) for i, r in enumerate(rows, 1)]
    history = [(1, s[0], s[5], s[6], now) for s in skus]
    t0, c0 = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    # the pragmas every workspace connection has (shopbuilder.core.storage): same database
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("INSERT INTO shops (id, slug, name, client, time_zone, brand_name, slogan, "
                "primary_color, secondary_color, share_title, licence_company, licence_number,"
                " licence_on_home, tab_bar, settings, created_at, updated_at, version) VALUES "
                "(1,'floor','F','','Asia/Shanghai','F','','#E4393C','#333333','','','',0,"
                "'[]','{}',?,?,1)", (now, now))
    con.executemany(
        "INSERT INTO products (id, shop_id, code, title, subtitle, detail_html, category_id, "
        "tags, images, on_shelf, sort_order, options, created_at, updated_at, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", products)
    con.executemany(
        "INSERT INTO skus (id, shop_id, product_id, code, option_values, price, list_price, "
        "list_price_label, cost, stock, weight_g, image, created_at, updated_at, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", skus)
    con.executemany("INSERT INTO price_history (shop_id, sku_id, price, list_price, "
                    "recorded_at) VALUES (?,?,?,?,?)", history)
    con.commit()
    con.close()
    return time.perf_counter() - t0, time.process_time() - c0


def timed_import(ws: Workspace, path: Path) -> tuple[tuple[float, float], object]:
    """(wall seconds, CPU seconds of this process), report."""
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_file(ws, "bench", path, ImportOptions())
    return (time.perf_counter() - t0, time.process_time() - c0), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement; the best is reported (the machine "
                             "is shared, so the minimum is the least noisy figure)")
    parser.add_argument("--sheet", choices=["csv", "xlsx"], default="csv",
                        help="file type of the generated sheet")
    args = parser.parse_args()
    n = args.rows
    rows = make_rows(n)
    firsts, agains, floors = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / f"catalog.{args.sheet}"
        (write_xlsx if args.sheet == "xlsx" else write_csv)(sheet, rows)
        for i in range(args.repeat):
            floors.append(floor(Path(tmp) / f"floor{i}.db", rows))
        del rows
        for i in range(args.repeat):
            ws = Workspace.open(f"sqlite:///{Path(tmp) / f'ws{i}.db'}")
            with ws.session() as s:
                create_shop(s, "bench", "Bench")
            seconds, report = timed_import(ws, sheet)
            assert report.created == n // 5 and not report.errors, report.summary()  # type: ignore[attr-defined]
            firsts.append(seconds)
            seconds, report = timed_import(ws, sheet)
            assert report.unchanged == n // 5, report.summary()  # type: ignore[attr-defined]
            agains.append(seconds)
            ws.close()
    floor_s, first, again = (min(x[0] for x in xs) for xs in (floors, firsts, agains))
    floor_c, first_c, again_c = (min(x[1] for x in xs) for xs in (floors, firsts, agains))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {n:,} ({n // 5:,} products × 5 SKUs), {args.sheet}, no images; "
          f"best of {args.repeat}")
    print(f"floor (sqlite3 executemany, one transaction): {floor_s:.2f} s "
          f"({n / floor_s:,.0f} rows/s)")
    print(f"import:    {first:.2f} s  {n / first:,.0f} rows/s  "
          f"ratio {first / floor_s:.2f}× (goal ≤ 3×)")
    print(f"re-import: {again:.2f} s  {n / again:,.0f} rows/s  "
          f"ratio {again / floor_s:.2f}× (goal ≤ 2×), 0 changes")
    print(f"peak RSS:  {rss_mb:.0f} MB (goal < 500 MB)")
    print(f"CPU time (less sensitive to a busy machine): floor {floor_c:.2f} s, "
          f"import {first_c:.2f} s ({first_c / floor_c:.2f}×), "
          f"re-import {again_c:.2f} s ({again_c / floor_c:.2f}×)")
    print("all runs, wall s: floor " + " ".join(f"{x[0]:.2f}" for x in floors)
          + " | import " + " ".join(f"{x[0]:.2f}" for x in firsts)
          + " | re-import " + " ".join(f"{x[0]:.2f}" for x in agains))


if __name__ == "__main__":
    main()
