"""Import: round trip, and hostile archives refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.archive import BundleError
from shopbuilder.bundle.export import ExportResult, image_cache_for
from shopbuilder.bundle.importer import import_bundle
from shopbuilder.bundle.validate import validate_bundle
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.models import Shop
from shopbuilder.core.storage import Workspace
from tests.bundle.conftest import TINY, zip_docs

Export = Callable[..., ExportResult]


def manifest_hashes(path: Path) -> list[tuple[str, str]]:
    manifest = json.loads(zip_docs(path)[fmt.MANIFEST])
    return [(f["path"], f["sha256"]) for f in manifest["files"]]


def test_export_import_export_keeps_every_file_hash(tiny_workspace: Workspace,
                                                   export: Export) -> None:
    first = export(tiny_workspace, name="a.zip")
    result = import_bundle(tiny_workspace, first.path, as_slug="copy")
    assert (result.slug, result.products, result.pages) == ("copy", 2, 4)
    again = export(tiny_workspace, "copy", name="b.zip")
    assert again.images_processed == 0  # the bundle's pictures were seeded into the cache
    assert manifest_hashes(again.path) == manifest_hashes(first.path)


def test_round_trip_with_promotions_into_a_new_workspace(demo_workspace: Workspace,
                                                        export: Export, tmp_path: Path) -> None:
    first = export(demo_workspace, "demo", name="demo.zip")
    other = Workspace.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_bundle(other, first.path)  # keeps the bundle's shop id
        again = export(other, "demo", name="again.zip")
    finally:
        other.close()
    assert manifest_hashes(again.path) == manifest_hashes(first.path)
    docs = zip_docs(again.path)
    assert json.loads(docs[fmt.BARGAINS])["bargains"][0]["cut_plan"]


def test_import_under_a_taken_slug_is_refused(tiny_workspace: Workspace, export: Export) -> None:
    bundle = export(tiny_workspace).path
    with pytest.raises(ValidationError, match="already exists"):
        import_bundle(tiny_workspace, bundle)


# ---------------------------------------------------------------- hostile corpus


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on duplicate names
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def repack(source: Path, target: Path, *, change: dict[str, bytes] | None = None,
           extra: list[tuple[str | zipfile.ZipInfo, bytes]] = (),  # type: ignore[assignment]
           manifest: Callable[[dict[str, Any]], None] | None = None,
           relist: bool = True) -> Path:
    """A copy of a real bundle with some entries changed; `relist` recomputes the
    manifest so only the change under test is wrong."""
    entries = zip_docs(source)
    entries.update(change or {})
    listed = json.loads(entries.pop(fmt.MANIFEST))
    if relist:
        listed["files"] = [{"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                           for n, d in sorted(entries.items())]
    if manifest:
        manifest(listed)
    out = [(n, d) for n, d in entries.items()] + list(extra)
    out.append((fmt.MANIFEST, json.dumps(listed).encode()))
    return write_zip(target, out)


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE: dict[str, Callable[[Path, Path], Path]] = {
    "dotdot": lambda s, t: repack(s, t, extra=[("../evil.txt", b"x")]),
    "dotdot_inside": lambda s, t: repack(s, t, extra=[("assets/../../evil.txt", b"x")]),
    "absolute": lambda s, t: repack(s, t, extra=[("/tmp/evil.txt", b"x")]),
    "windows_drive": lambda s, t: repack(s, t, extra=[("C:/evil.txt", b"x")]),
    "symlink": lambda s, t: repack(s, t, extra=[(symlink_info("assets/link.jpg"), b"/etc/passwd")]),
    "duplicate": lambda s, t: repack(s, t, extra=[(fmt.SHOP, b"{}")]),
    "bomb_ratio": lambda s, t: repack(s, t, extra=[("posters/bomb.bin", b"\0" * 20_000_000)]),
    "future_version": lambda s, t: repack(s, t, manifest=lambda m: m.update(format_version=99)),
    "unknown_version": lambda s, t: repack(s, t, manifest=lambda m: m.update(format_version="1")),
    "other_format": lambda s, t: repack(s, t, manifest=lambda m: m.update(format="x.bundle")),
    "checksum": lambda s, t: repack(s, t, change={fmt.SHOP: b'{"tampered": true}'},
                                    relist=False),
    "invalid_json": lambda s, t: repack(s, t, change={fmt.PRODUCTS: b'{"products": ['}),
    "schema": lambda s, t: repack(s, t, change={fmt.PRODUCTS: json.dumps(
        {"products": [{"code": "X"}]}).encode()}),
    "missing_manifest": lambda s, t: write_zip(t, [(fmt.SHOP, b"{}")]),
    "not_a_zip": lambda s, t: (t.write_bytes(b"PK\x03\x04 not really a zip"), t)[1],
    "unlisted_file": lambda s, t: repack(s, t, manifest=lambda m: m["files"].pop()),
    "misnamed_asset": lambda s, t: repack(s, t, change={"assets/" + "0" * 64 + ".jpg": b"x"}),
}


EXPECTED_RULE = {
    "dotdot": "bundle.archive", "dotdot_inside": "bundle.archive", "absolute": "bundle.archive",
    "windows_drive": "bundle.archive", "symlink": "bundle.archive",
    "duplicate": "bundle.archive", "bomb_ratio": "bundle.archive",
    "future_version": "bundle.format", "unknown_version": "bundle.format",
    "other_format": "bundle.format", "checksum": "bundle.checksum",
    "invalid_json": "bundle.json", "schema": "bundle.schema",
    "missing_manifest": "bundle.format", "not_a_zip": "bundle.archive",
    "unlisted_file": "bundle.unlisted", "misnamed_asset": "bundle.asset_name",
}


@pytest.fixture(scope="module")
def good_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from shopbuilder.bundle.export import export_bundle
    from tests.bundle.conftest import build_tiny_shop

    folder = tmp_path_factory.mktemp("good")
    ws = Workspace.open(f"sqlite:///{folder / 'ws.db'}")
    try:
        build_tiny_shop(ws)
        return export_bundle(ws, TINY, folder / "good.zip", force=True, processes=1).path
    finally:
        ws.close()


def test_the_untouched_copy_imports(good_bundle: Path, workspace: Workspace,
                                    tmp_path: Path) -> None:
    """Guard against a vacuous corpus: repack without changes is accepted."""
    copy = repack(good_bundle, tmp_path / "copy.zip")
    assert validate_bundle(copy) == []
    assert import_bundle(workspace, copy).slug == TINY


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_bundles_are_refused_and_nothing_is_written(
        case: str, good_bundle: Path, workspace: Workspace, tmp_path: Path) -> None:
    bad = HOSTILE[case](good_bundle, tmp_path / f"{case}.zip")
    with pytest.raises(BundleError) as info:
        import_bundle(workspace, bad)
    assert info.value.findings and all(f.severity == "error" for f in info.value.findings)
    assert EXPECTED_RULE[case] in {f.rule for f in info.value.findings}
    assert str(info.value)  # a message for the user
    with workspace.session() as s:
        assert s.scalar(select(func.count()).select_from(Shop)) == 0
    assert not workspace.assets.root.exists() or not any(workspace.assets.root.iterdir())
    assert not image_cache_for(workspace).root.exists()
    assert not (tmp_path / "evil.txt").exists()
    assert validate_bundle(bad)  # validate reports it too


def test_total_size_limit(good_bundle: Path, workspace: Workspace,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "MAX_TOTAL_UNCOMPRESSED", 10_000)
    with pytest.raises(BundleError, match="in total"):
        import_bundle(workspace, good_bundle)


def test_validate_names_file_and_json_pointer(good_bundle: Path, tmp_path: Path) -> None:
    docs = json.loads(zip_docs(good_bundle)[fmt.PRODUCTS])
    docs["products"][1]["skus"][0]["price"] = -5
    bad = repack(good_bundle, tmp_path / "bad.zip",
                 change={fmt.PRODUCTS: json.dumps(docs).encode()})
    findings = validate_bundle(bad)
    assert [(f.rule, f.location) for f in findings] == [
        ("bundle.schema", "catalog/products.json#/products/1/skus/0/price")]
