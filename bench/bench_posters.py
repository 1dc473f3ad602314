"""Poster rendering speed: N product posters (the built-in ``product`` template).

Three figures, measured in the same run on the same shop:

- floor: the same layers (logo, brand, rounded product image, wrapped title, subtitle,
  price with struck list price, divider, QR at level H with logo, captions) drawn by
  bare Pillow calls in a minimal loop: no template engine, no binding, no coverage
  checks, data read beforehand; PNG encoded and written the same way;
- single: `render_batch(..., workers=1)`: template, bindings, layout, line breaking,
  glyph checks, prices through the promotions engine, database reads included;
- batch: `render_batch(..., workers=2)` over processes.

Goals (issue 6): single ≥ 0.8 × floor; batch over 2 cores ≥ 1.7 × single.

    .venv/bin/python bench/bench_posters.py            # full: 1,000 posters
    .venv/bin/python bench/bench_posters.py -n 60      # quick
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shopbuilder.core.models import Product, Sku
from shopbuilder.core.services import shops as ssvc
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from shopbuilder.demo import DEMO_PRODUCTS, draw_logo, draw_product
from shopbuilder.posters.api import PNG_LEVEL
from shopbuilder.posters.batch import render_batch
from shopbuilder.posters.fonts import pinned_fonts
from shopbuilder.posters.qr import qr_payload

SLUG = "bench"
PRIMARY = "#C8102E"
TITLES = [d.title for d in DEMO_PRODUCTS] + ["新疆长绒棉纯棉圆领短袖T恤男女同款宽松百搭夏季基础款"]


def build_shop(ws: Workspace, n: int, n_images: int = 24) -> None:
    """A shop of N one-SKU products over a pool of pictures (bulk insert: the services
    are not what is measured)."""
    with ws.session() as s:
        ssvc.create_shop(s, SLUG, "压测店")
        logo = add_asset(s, draw_logo(), "logo.png").sha256
        brand = ssvc.brand_of(ssvc.get_shop(s, SLUG))
        brand.logo_asset, brand.slogan, brand.primary_color = logo, "好物不贵，山川相伴", PRIMARY
        ssvc.set_brand(s, SLUG, brand)
        shop_id = ssvc.get_shop(s, SLUG).id
        pics = [add_asset(s, draw_product(i, (40 + 9 * i, 120, 200 - 5 * i)), f"p{i}.jpg").sha256
                for i in range(n_images)]
        s.execute(insert(Product), [
            {"shop_id": shop_id, "code": f"P{i:05d}", "title": f"{TITLES[i % len(TITLES)]} {i}",
             "subtitle": "亲肤透气，四季可穿", "tags": [], "images": [pics[i % n_images]],
             "options": [], "sort_order": i, "version": 1} for i in range(n)])
        ids = {code: pid for code, pid in s.execute(
            select(Product.code, Product.id).where(Product.shop_id == shop_id))}
        s.execute(insert(Sku), [
            {"shop_id": shop_id, "product_id": ids[f"P{i:05d}"], "code": f"P{i:05d}",
             "option_values": [], "price": 5900 + 100 * (i % 50), "list_price": 12900,
             "list_price_label": "plain", "stock": 10, "version": 1} for i in range(n)])


# ---------------------------------------------------------------- the floor


def floor_render(ws: Workspace, codes: list[str], out: Path) -> tuple[float, float]:
    """Bare Pillow: the product template's layers with hard-coded positions.
    Returns (wall seconds, CPU seconds) of the drawing loop."""
    fonts = pinned_fonts()
    reg, bold = fonts.regular, fonts.bold

    def font(face: object, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(face.path, size, index=face.index,  # type: ignore[attr-defined]
                                  layout_engine=ImageFont.Layout.BASIC)
    f_brand, f_title, f_sub = font(bold, 32), font(bold, 40), font(reg, 26)
    f_big, f_small, f_list = font(bold, 72), font(bold, 36), font(reg, 29)
    f_scan, f_hint = font(bold, 30), font(reg, 24)
    with ws.session() as s:
        shop = ssvc.get_shop(s, SLUG)
        rows = [(p.code, p.title, p.subtitle, p.images[0], k.price, k.list_price)
                for p, k in s.execute(select(Product, Sku).join(Sku, Sku.product_id == Product.id)
                                      .where(Product.shop_id == shop.id,
                                             Product.code.in_(codes))
                                      .order_by(Product.id))]
        logo_path = ws.assets.path_for(shop.logo_asset)
        brand, slogan = shop.brand_name, shop.slogan
    logo = Image.open(logo_path).convert("RGBA")
    logo60 = ImageOps.contain(logo, (60, 60))
    mask = Image.new("L", (670, 600), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, 669, 599), radius=20, fill=255)
    start, cpu = time.perf_counter(), time.process_time()
    for code, title, subtitle, sha, price, list_price in rows:
        img = Image.new("RGB", (750, 1334), "white")
        d = ImageDraw.Draw(img)
        img.paste(logo60, (40, 34), logo60)
        d.text((116, 76), brand, font=f_brand, fill="#222222", anchor="ls")
        with Image.open(ws.assets.path_for(sha)) as pic:
            img.paste(ImageOps.fit(pic.convert("RGB"), (670, 600), Image.Resampling.LANCZOS),
                      (40, 120), mask)
        lines, line = [], ""
        for ch in title:  # greedy wrap, 2 lines
            if f_title.getlength(line + ch) > 670:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines = ([*lines, line])[:2]
        y = 754
        for text in lines:
            d.text((40, y + 41), text, font=f_title, fill="#222222", anchor="ls")
            y += 52
        d.text((40, y + 8 + 27), subtitle, font=f_sub, fill="#888888", anchor="ls")
        base = y + 8 + 34 + 18 + 68
        yuan = str(price // 100)
        d.text((40, base), "¥", font=f_small, fill=PRIMARY, anchor="ls")
        x = 40 + f_small.getlength("¥")
        d.text((x, base), yuan, font=f_big, fill=PRIMARY, anchor="ls")
        x += f_big.getlength(yuan) + f_list.getlength("  ")
        listed = f"¥{list_price // 100}"
        d.text((x, base), listed, font=f_list, fill="#999999", anchor="ls")
        d.line((x, base - 10, x + f_list.getlength(listed), base - 10), fill="#999999", width=2)
        d.rectangle((40, 1070, 709, 1071), fill="#EEEEEE")
        qr = segno.make(qr_payload(SLUG, "product", code), error="h", boost_error=False)
        side = qr.symbol_size(border=4)[0]
        raw = bytes(0 if b else 255 for row in qr.matrix_iter(border=4) for b in row)
        qimg = Image.frombytes("L", (side, side), raw).resize(
            (side * (180 // side),) * 2, Image.Resampling.NEAREST).convert("RGB")
        img.paste(qimg, (530 + (180 - qimg.width) // 2, 1104 + (180 - qimg.height) // 2))
        plate = Image.new("RGB", (39, 39), "white")
        small_logo = logo.copy()
        small_logo.thumbnail((33, 33))
        plate.paste(small_logo, (3, 3), small_logo)
        img.paste(plate, (600, 1174))
        d.text((40, 1172), "长按识别小程序码", font=f_scan, fill="#333333", anchor="ls")
        d.text((40, 1213), "查看商品详情", font=f_hint, fill="#999999", anchor="ls")
        d.text((40, 1262), slogan, font=f_hint, fill=PRIMARY, anchor="ls")
        img.save(out / f"floor-{code}.png", "PNG", compress_level=PNG_LEVEL)
    return time.perf_counter() - start, time.process_time() - cpu


def _spin(seconds: float) -> float:
    end = time.perf_counter() + seconds
    start = time.process_time()
    while time.perf_counter() < end:
        pass
    return time.process_time() - start


def cores_available(workers: int, seconds: float = 1.0) -> float:
    """CPU seconds that `workers` busy processes get per wall second right now. Linux
    groups a session's processes for CPU fairness (autogroup), so while other sessions
    keep the machine busy a batch gets no more CPU than one process does."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pool.map(_spin, [0.05] * workers)  # start-up out of the measurement
        return sum(pool.map(_spin, [seconds] * workers)) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="posters to render (default 1000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleave the three measurements in this many rounds, so a "
                             "change in the machine's load hits all three alike")
    args = parser.parse_args()
    wall = dict.fromkeys(("floor", "single", "batch"), 0.0)
    cpu = dict.fromkeys(("floor", "single"), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace.open(f"sqlite:///{root / 'bench.db'}")
        build_shop(ws, args.n)
        fonts = pinned_fonts()
        for name in ("floor", "single", "batch"):
            (root / name).mkdir()
        render_batch(ws, SLUG, root / "warm", products=["P00000"], workers=1, fonts=fonts)
        load = [cores_available(args.workers)]
        codes = [f"P{i:05d}" for i in range(args.n)]
        size = -(-args.n // args.rounds)
        written = 0
        for r, part in enumerate(codes[i:i + size] for i in range(0, args.n, size)):
            order = ["floor", "single", "batch"]
            for phase in order[r % 3:] + order[:r % 3]:  # rotate who goes first
                if phase == "floor":
                    w, c = floor_render(ws, part, root / "floor")
                    wall["floor"] += w
                    cpu["floor"] += c
                    continue
                start, cpu0 = time.perf_counter(), time.process_time()
                result = render_batch(ws if phase == "single" else ws.url, SLUG, root / phase,
                                      products=part, fonts=fonts,
                                      workers=1 if phase == "single" else args.workers)
                wall[phase] += time.perf_counter() - start
                if phase == "single":
                    cpu["single"] += time.process_time() - cpu0
                assert not result.failed, result.failed
                written += len(result.written)
            load.append(cores_available(args.workers, 0.25))
        assert written == 2 * args.n
        ws.close()
    rate = {k: args.n / v for k, v in wall.items()}
    print(f"{args.n} product posters (750×1334 PNG), {args.rounds} interleaved rounds")
    print(f"  floor  (bare Pillow)      {wall['floor']:7.2f} s  {rate['floor']:6.2f} posters/s"
          f"   CPU {cpu['floor']:6.2f} s")
    print(f"  single (engine, 1 proc)   {wall['single']:7.2f} s  {rate['single']:6.2f} posters/s"
          f"   CPU {cpu['single']:6.2f} s")
    print(f"  batch  ({args.workers} processes)      {wall['batch']:7.2f} s  "
          f"{rate['batch']:6.2f} posters/s")
    print(f"  single / floor = {rate['single'] / rate['floor']:.2f}  (goal ≥ 0.80); "
          f"by CPU time {cpu['floor'] / cpu['single']:.2f}")
    print(f"  batch / single = {rate['batch'] / rate['single']:.2f}  (goal ≥ 1.70)")
    print(f"  cores available to {args.workers} busy processes, at the start and after each "
          f"round: {' '.join(f'{x:.2f}' for x in load)} (of {os.cpu_count()}; other sessions' "
          f"work lowers it, and the batch can only scale with it)")


if __name__ == "__main__":
    main()
