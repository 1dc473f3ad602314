"""Images from a real HTTP server on 127.0.0.1 and from files beside the sheet."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from shopbuilder.catalog.images import check_image
from shopbuilder.catalog.importer import import_file
from shopbuilder.core.models import Asset
from shopbuilder.core.services import products as psvc
from shopbuilder.core.storage import Workspace
from tests.catalog.conftest import image_bytes, write_csv

HEAD = ["商品名称", "商品编码", "售价", "主图", "SKU图片"]


def stored(ws: Workspace, sha: str) -> Image.Image:
    return Image.open(io.BytesIO(ws.assets.read(sha)))


def test_urls_and_files_become_assets_and_failures_become_warnings(
        shop: Workspace, tmp_path: Path, image_server: str, dead_url: str) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "local.png").write_bytes(image_bytes(color="blue"))
    u = image_server
    images = "|".join([f"{u}/red.png", f"{u}/missing.png", f"{dead_url}/x.jpg",
                       f"{u}/truncated.jpg", f"{u}/page.html", f"{u}/bomb.png",
                       "pics/local.png", "quality=90&thumbnail=200x200"])
    rows = [HEAD, ["杯子", "CUP", "19", images, f"{u}/same-red.png"],
            ["盘子", "PLATE", "29", f"{u}/red.png\n{u}/photo.jpg", ""]]
    report = import_file(shop, "acme", write_csv(tmp_path / "s.csv", rows))
    assert report.errors == [] and report.created == 2
    warned = {w.value: w.message for w in report.warnings}
    assert "404" in warned[f"{u}/missing.png"]
    assert "cannot download" in warned[f"{dead_url}/x.jpg"]
    assert "truncated" in warned[f"{u}/truncated.jpg"]
    assert "not an image" in warned[f"{u}/page.html"]
    assert "decompression bomb" in warned[f"{u}/bomb.png"]
    assert "no such file" in warned["quality=90&thumbnail=200x200"]
    assert all(w.row == 2 and w.column == "主图" for w in report.warnings)
    with shop.session() as s:
        cup = psvc.get_product(s, "acme", "CUP")
        plate = psvc.get_product(s, "acme", "PLATE")
        assert len(cup.images) == 2  # red + local; the broken ones are left out
        assert cup.skus[0].image == cup.images[0]  # same bytes under another URL
        assert plate.images[0] == cup.images[0]
        assert s.scalar(select(func.count()).select_from(Asset)) == 3  # stored once each
        assert stored(shop, cup.images[1]).getpixel((0, 0)) == (0, 0, 255)


def test_cmyk_16_bit_and_exif_rotation_are_made_displayable(
        shop: Workspace, tmp_path: Path, image_server: str) -> None:
    u = image_server
    rows = [HEAD, ["相框", "FRAME", "9", f"{u}/cmyk.jpg|{u}/grey16.png|{u}/rotated.jpg", ""]]
    report = import_file(shop, "acme", write_csv(tmp_path / "s.csv", rows))
    notes = {w.value.rsplit("/", 1)[1]: w.message for w in report.warnings}
    assert "CMYK" in notes["cmyk.jpg"] and "16-bit" in notes["grey16.png"]
    assert "EXIF" in notes["rotated.jpg"]
    with shop.session() as s:
        cmyk, grey, rotated = psvc.get_product(s, "acme", "FRAME").images
        assert s.get(Asset, cmyk).mime == "image/jpeg"
    assert stored(shop, cmyk).mode == "RGB"
    assert stored(shop, grey).mode == "L"
    assert stored(shop, rotated).size == (20, 40)  # upright: width and height swapped


def test_check_image_keeps_good_bytes_untouched() -> None:
    data = image_bytes()
    assert check_image(data, "a.png") == (data, "a.png", "")
    assert check_image(data, "abcdef")[1] == "abcdef.png"  # stored files get their type


def test_dry_run_fetches_but_stores_nothing(shop: Workspace, tmp_path: Path,
                                           image_server: str) -> None:
    from shopbuilder.catalog.importer import ImportOptions

    rows = [HEAD, ["杯子", "CUP", "19", f"{image_server}/red.png", ""]]
    report = import_file(shop, "acme", write_csv(tmp_path / "s.csv", rows),
                         ImportOptions(dry_run=True))
    assert report.created == 1 and report.warnings == []
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 0


def test_a_failed_import_stores_no_images(shop: Workspace, tmp_path: Path,
                                          image_server: str) -> None:
    rows = [HEAD, ["杯子", "CUP", "19", f"{image_server}/red.png", ""],
            ["碗", "BOWL", "abc", f"{image_server}/photo.jpg", ""]]
    report = import_file(shop, "acme", write_csv(tmp_path / "s.csv", rows))
    assert report.failed and report.images_stored == 0
    with shop.session() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 0
