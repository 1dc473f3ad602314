"""Batches: every product and campaign, over processes, with progress, cancel and a
summary of what failed and why; the CLI contract."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from shopbuilder.cli import main
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.storage import Workspace
from shopbuilder.posters.batch import PosterJob, plan_jobs, render_batch
from shopbuilder.posters.fonts import FontSet
from tests.posters.conftest import AT


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_plans_follow_the_options(poster_shop: Workspace) -> None:
    with poster_shop.session() as s:
        products = plan_jobs(s, "demo")
        assert len(products) == 13 and {j.template_id for j in products} == {"product"}
        both = plan_jobs(s, "demo", products="all", campaigns=True)
        assert {j.template_id for j in both} == {"product", "group_buy", "bargain",
                                                "flash_sale", "coupon"}
        campaigns = plan_jobs(s, "demo", campaigns=True)
        assert [j.campaign_key for j in campaigns] == ["gb1", "bg1", "fs1", "c1", "c2"]
        cards = plan_jobs(s, "demo", template_id="product_card", products=["TEE-01"])
        assert cards == [PosterJob("product_card", product_code="TEE-01")]
        assert plan_jobs(s, "demo", template_id="bargain") == [
            PosterJob("bargain", campaign_key="bg1")]
        assert plan_jobs(s, "demo", template_id="shop_card") == [PosterJob("shop_card")]


def test_file_names_are_safe_for_any_product_code() -> None:
    assert PosterJob("product", product_code="TEE-01").file_stem() == "product-TEE-01"
    odd = PosterJob("product", product_code="T恤/红 1").file_stem()
    assert "/" not in odd and odd.startswith("product-T__") and len(odd.split("-")[-1]) == 8


def test_two_processes_write_the_same_bytes_as_one(poster_shop: Workspace, fonts: FontSet,
                                                  tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    jobs = dict(products=["TEE-01", "CUP-10", "BED-07"], campaigns=True, fonts=fonts, at=AT)
    one = render_batch(poster_shop, "demo", tmp_path / "one", workers=1,
                       progress=lambda done, total: seen.append((done, total)), **jobs)
    two = render_batch(poster_shop.url, "demo", tmp_path / "two", workers=2, **jobs)
    assert not one.failed and not two.failed and not one.cancelled
    assert [i.file for i in one.written] == [i.file for i in two.written]
    assert len(one.written) == 8
    assert digests(tmp_path / "one") == digests(tmp_path / "two")
    assert seen[-1] == (8, 8) and [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_cancel_stops_before_the_next_chunk(poster_shop: Workspace, fonts: FontSet,
                                            tmp_path: Path) -> None:
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 1  # let the first chunk through

    result = render_batch(poster_shop, "demo", tmp_path, workers=1, fonts=fonts,
                          cancel=cancel)
    assert result.cancelled
    assert 0 < len(result.written) < 13
    assert len(list(tmp_path.iterdir())) == len(result.written)  # no temp files left


def test_failures_are_reported_and_the_rest_is_written(poster_workspace: Workspace,
                                                       fonts: FontSet, tmp_path: Path) -> None:
    with poster_workspace.session() as s:
        data = product_svc.product_data(product_svc.get_product(s, "demo", "CUP-10"))
        data.title = "陶瓷马克杯 தமிழ்"  # Tamil: the font has no glyph for it
        product_svc.update_product(s, "demo", "CUP-10", data)
    result = render_batch(poster_workspace, "demo", tmp_path, workers=1, fonts=fonts,
                          products=["TEE-01", "CUP-10"])
    assert [i.product for i in result.written] == ["TEE-01"]
    (failed,) = result.failed
    assert failed.product == "CUP-10" and "'த'" in (failed.error or "")
    assert "title" in (failed.error or "")


def test_cli_posters_contract(poster_shop: Workspace, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", poster_shop.url]
    out = tmp_path / "out"
    assert main([*db, "posters", "demo", "-o", str(out), "--products", "TEE-01,CUP-10",
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [w["file"] for w in summary["written"]] == ["product-CUP-10.png",
                                                       "product-TEE-01.png"]
    assert summary["failed"] == [] and summary["cancelled"] is False
    assert main([*db, "posters", "demo", "-o", str(out), "--template", "coupon"]) == 0
    assert "coupon-c1.png" in capsys.readouterr().out
    assert main([*db, "posters", "demo", "-o", str(out), "--products", "NOPE"]) == 1
    assert "NOPE" in capsys.readouterr().err
    assert main([*db, "posters", "nosuchshop", "-o", str(out)]) == 1
    with pytest.raises(SystemExit) as info:
        main([*db, "posters", "demo"])  # -o is required
    assert info.value.code == 2
    assert sorted(p.name for p in out.iterdir()) == ["coupon-c1.png", "coupon-c2.png",
                                                     "product-CUP-10.png", "product-TEE-01.png"]


def test_cancel_reaches_the_worker_processes(poster_shop: Workspace, fonts: FontSet,
                                             tmp_path: Path) -> None:
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 2  # two chunks submitted, then stop

    result = render_batch(poster_shop, "demo", tmp_path, workers=2, fonts=fonts,
                          products="all", campaigns=True, cancel=cancel)
    assert result.cancelled and not result.failed
    assert 0 < len(result.written) < 18
    assert sorted(p.name for p in tmp_path.iterdir()) == [i.file for i in result.written]


def test_a_jpeg_template_writes_jpeg_files(poster_workspace: Workspace, fonts: FontSet,
                                           tmp_path: Path) -> None:
    from shopbuilder.posters.templates import builtin_template, save_shop_template

    doc = dict(builtin_template("product_card"), id="card_jpg", format="jpeg")
    with poster_workspace.session() as s:
        save_shop_template(s, "demo", doc)
    result = render_batch(poster_workspace, "demo", tmp_path, template_id="card_jpg",
                          products=["TEE-01"], fonts=fonts)
    assert [i.file for i in result.written] == ["card_jpg-TEE-01.jpg"]
    assert (tmp_path / "card_jpg-TEE-01.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
