"""Export: schema-valid, deterministic, atomic, cached, with a size report."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.export import ExportResult, SizeReport, budget_findings, export_bundle
from shopbuilder.bundle.images import ExportCancelled
from shopbuilder.bundle.validate import validate_bundle
from shopbuilder.core.findings import Severity
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.storage import Workspace
from tests.bundle.conftest import TINY, zip_docs

Export = Callable[..., ExportResult]


def test_demo_export_is_valid_against_the_schemas(demo_workspace: Workspace,
                                                  export: Export) -> None:
    result = export(demo_workspace, "demo", processes=2)  # through the process pool
    assert result.written
    assert validate_bundle(result.path) == []
    names = set(zip_docs(result.path))
    for name in (fmt.MANIFEST, fmt.APP, fmt.SHOP, fmt.CATEGORIES, fmt.PRODUCTS,
                 *fmt.PROMOTION_FILES, "pages/home.json"):
        assert name in names
    bargains = json.loads(zip_docs(result.path)[fmt.BARGAINS])["bargains"]
    assert bargains and all(sum(b["cut_plan"]) == b["start_price"] - b["floor_price"]
                            for b in bargains)


def test_unchanged_shop_exports_byte_identical_zips(tiny_workspace: Workspace,
                                                   export: Export) -> None:
    first = export(tiny_workspace, name="a.zip")
    second = export(tiny_workspace, name="b.zip")
    assert first.images_processed == 8
    assert second.images_processed == 0  # all from the cache
    assert first.path.read_bytes() == second.path.read_bytes()


def test_zip_entries_are_sorted_with_fixed_times_and_modes(tiny_workspace: Workspace,
                                                          export: Export) -> None:
    result = export(tiny_workspace)
    with zipfile.ZipFile(result.path) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {fmt.ZIP_DATE_TIME}
    assert {i.external_attr >> 16 for i in infos} == {fmt.ZIP_FILE_MODE}


def test_build_time_is_the_shops_last_edit(tiny_workspace: Workspace, export: Export) -> None:
    before = json.loads(zip_docs(export(tiny_workspace, name="a.zip").path)[fmt.MANIFEST])
    with tiny_workspace.session() as s:
        product = product_svc.get_product(s, TINY, "P1")
        data = product_svc.product_data(product)
        data.title = "新T恤"
        product_svc.update_product(s, TINY, "P1", data)
        s.flush()
        edited = product.updated_at
    after = json.loads(zip_docs(export(tiny_workspace, name="b.zip").path)[fmt.MANIFEST])
    assert after["built_at"] == edited.isoformat().replace("+00:00", "Z")
    assert after["built_at"] > before["built_at"]
    assert after["shop_revision"] != before["shop_revision"]


def test_manifest_lists_every_file_with_size_and_hash(tiny_workspace: Workspace,
                                                     export: Export) -> None:
    import hashlib

    entries = zip_docs(export(tiny_workspace).path)
    manifest = json.loads(entries.pop(fmt.MANIFEST))
    assert manifest["format"] == "shopbuilder.bundle"
    assert manifest["format_version"] == fmt.FORMAT_VERSION
    assert manifest["shop"] == TINY
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(entries)
    for name, data in entries.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assets = [n for n in entries if n.startswith("assets/")]
    for name in assets:  # content-addressed
        assert name.split("/")[1].split(".")[0] == hashlib.sha256(entries[name]).hexdigest()


def test_lint_errors_stop_the_export_unless_forced(tiny_workspace: Workspace,
                                                  tmp_path: Path) -> None:
    with tiny_workspace.session() as s:
        product_svc.set_sku_price(s, TINY, "P1-1", list_price=99900)  # plain 划线价 > 7-day low
    target = tmp_path / "out.zip"
    stopped = export_bundle(tiny_workspace, TINY, target, processes=1)
    assert not stopped.written and not target.exists()
    assert any(f.rule == "price.list_above_7day_low" for f in stopped.findings)
    forced = export_bundle(tiny_workspace, TINY, target, force=True, processes=1)
    assert forced.written and target.exists()
    assert any(f.rule == "price.list_above_7day_low" for f in forced.findings)


def test_cancel_leaves_no_file_and_keeps_an_old_one(tiny_workspace: Workspace,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "out.zip"
    with pytest.raises(ExportCancelled):
        export_bundle(tiny_workspace, TINY, target, force=True, processes=1,
                      cancel=lambda: True)
    assert not out.exists() or list(out.iterdir()) == []
    out.mkdir(exist_ok=True)
    target.write_bytes(b"old bundle")
    calls: list[str] = []

    def cancel_when_writing() -> bool:
        return bool(calls) and calls[-1] == "write"

    with pytest.raises(ExportCancelled):
        export_bundle(tiny_workspace, TINY, target, force=True, processes=1,
                      progress=lambda stage, d, t: calls.append(stage),
                      cancel=cancel_when_writing)
    assert target.read_bytes() == b"old bundle"
    assert [p.name for p in out.iterdir()] == ["out.zip"]


def test_progress_reports_each_stage(tiny_workspace: Workspace, export: Export) -> None:
    seen: list[tuple[str, int, int]] = []
    export(tiny_workspace, progress=lambda *a: seen.append(a))
    stages = [s for s, _d, _t in seen]
    assert stages[0] == "lint" and stages[-1] == "write"
    assert ("images", 8, 8) in seen


def test_size_report_and_budgets(tiny_workspace: Workspace, export: Export) -> None:
    result = export(tiny_workspace)
    report = result.size_report
    config = sum(f.size for f in result.files if f.path.endswith(".json"))
    assets = sum(f.size for f in result.files if f.path.startswith("assets/"))
    assert (report.config, report.assets, report.posters) == (config, assets, 0)
    assert not any(f.rule.startswith("size.") for f in result.findings)
    big = budget_findings(SizeReport(config=fmt.CONFIG_BUDGET + 1), [])
    assert [(f.rule, f.severity) for f in big] == [("size.config_budget", Severity.WARNING)]


def test_an_asset_over_200_kb_is_reported(workspace: Workspace, export: Export) -> None:
    from shopbuilder.core.services import pages as page_svc
    from shopbuilder.core.services import shops as shop_svc
    from shopbuilder.core.services.assets import add_asset
    from tests.bundle.conftest import jpeg

    with workspace.session() as s:
        shop_svc.create_shop(s, "noisy", "Noisy")
        noisy = add_asset(s, jpeg((1080, 1080), noise=True), "noise.jpg").sha256
        page_svc.set_page(s, "noisy", page_svc.PageData("home", "首页", "home", components=[
            {"id": "b", "type": "image", "settings": {"image": noisy}}]))
    result = export(workspace, "noisy")
    over = [f for f in result.findings if f.rule == "size.asset_budget"]
    assert len(over) == 1 and over[0].location.startswith("assets/")
    assert result.size_report.assets_over_budget[0].size > fmt.ASSET_BUDGET


def test_with_posters_adds_a_poster_per_product_and_promotion(tiny_workspace: Workspace,
                                                              export: Export) -> None:
    result = export(tiny_workspace, with_posters=True)
    posters = sorted(f.path for f in result.files if f.path.startswith(fmt.POSTERS_DIR))
    assert len(posters) == 3  # P1, P2 and coupon c1
    assert any("P1" in p for p in posters) and any("c1" in p for p in posters)
    assert result.size_report.posters == sum(f.size for f in result.files
                                             if f.path.startswith(fmt.POSTERS_DIR))
    assert validate_bundle(result.path) == []


def test_self_check_refuses_output_that_breaks_the_schema(tmp_path: Path) -> None:
    from shopbuilder.bundle.export import self_check
    from shopbuilder.core.errors import ShopBuilderError

    good = {fmt.CATEGORIES: {"categories": []}}
    bad = {fmt.CATEGORIES: {"categories": [{"path": "x"}]}}
    self_check(good, {fmt.CATEGORIES: "a" * 64}, tmp_path)
    assert list((tmp_path / "validated").rglob("a" * 64))  # remembered as valid
    with pytest.raises(ShopBuilderError, match=r"categories\.json#/categories/0"):
        self_check(bad, {fmt.CATEGORIES: "b" * 64}, tmp_path)
    assert not list((tmp_path / "validated").rglob("b" * 64))
