"""`shopbuilder bundle …` and `shopbuilder lint …`: exit codes and --json shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopbuilder.cli import main
from shopbuilder.core.services import products as product_svc
from shopbuilder.core.storage import Workspace
from tests.bundle.conftest import TINY


def cli(capsys: pytest.CaptureFixture[str], ws: Workspace, *args: str) -> tuple[int, str, str]:
    code = main(["--db", ws.url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lint_rules_lists_the_registry(capsys: pytest.CaptureFixture[str],
                                       workspace: Workspace) -> None:
    code, out, _err = cli(capsys, workspace, "lint", "--rules", "--json")
    rules = json.loads(out)
    assert code == 0
    assert {"ref.component", "price.list_above_7day_low", "wechat.inducement",
            "platform.tab_count", "law.licence_home"} <= {r["id"] for r in rules}
    assert set(rules[0]) == {"id", "severity", "area", "description", "needs_shop"}
    code, out, _err = cli(capsys, workspace, "lint", "--rules")
    assert code == 0 and "platform.qr_scene" in out


def test_lint_json_and_exit_code(capsys: pytest.CaptureFixture[str],
                                 tiny_workspace: Workspace) -> None:
    code, out, _err = cli(capsys, tiny_workspace, "lint", TINY, "--json")
    data = json.loads(out)
    assert code == 0 and data == {"shop": TINY, "ok": True,
                                  "counts": {"error": 0, "warning": 0, "info": 0},
                                  "findings": []}
    with tiny_workspace.session() as s:
        product_svc.set_sku_price(s, TINY, "P1-1", list_price=99900)
    code, out, _err = cli(capsys, tiny_workspace, "lint", TINY, "--json")
    data = json.loads(out)
    assert code == 1 and not data["ok"]
    assert data["findings"][0] == {
        "rule": "price.list_above_7day_low", "severity": "error",
        "location": "products[0].skus[0].list_price",
        "message": data["findings"][0]["message"]}
    code, _out, err = cli(capsys, tiny_workspace, "lint")
    assert code == 2 and "--rules" in err


def test_export_validate_import_diff(capsys: pytest.CaptureFixture[str],
                                     tiny_workspace: Workspace, tmp_path: Path) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    code, out, _err = cli(capsys, tiny_workspace, "bundle", "export", TINY, "-o", str(a),
                          "--json")
    data = json.loads(out)
    assert code == 0 and data["written"] and a.exists()
    assert {"path", "written", "zip_size", "files", "size_report", "images_processed",
            "findings"} == set(data)
    assert data["size_report"]["config"] > 0 and data["size_report"]["assets"] > 0

    code, out, _err = cli(capsys, tiny_workspace, "bundle", "validate", str(a), "--json")
    assert code == 0 and json.loads(out) == {"file": str(a), "ok": True, "findings": []}

    code, out, _err = cli(capsys, tiny_workspace, "bundle", "import", str(a), "--as", "copy")
    assert code == 0 and "copy" in out
    code, _out, _err = cli(capsys, tiny_workspace, "bundle", "export", "copy", "-o", str(b))
    assert code == 0
    code, out, _err = cli(capsys, tiny_workspace, "bundle", "diff", str(a), str(b), "--json")
    assert code == 0 and json.loads(out)["identical"] is True


def test_export_stopped_by_lint_errors(capsys: pytest.CaptureFixture[str],
                                       tiny_workspace: Workspace, tmp_path: Path) -> None:
    with tiny_workspace.session() as s:
        product_svc.set_sku_price(s, TINY, "P1-1", list_price=99900)
    target = tmp_path / "x.zip"
    code, _out, err = cli(capsys, tiny_workspace, "bundle", "export", TINY, "-o", str(target))
    assert code == 1 and not target.exists()
    assert "price.list_above_7day_low" in err and "--force" in err
    code, out, _err = cli(capsys, tiny_workspace, "bundle", "export", TINY, "-o", str(target),
                          "--force")
    assert code == 0 and target.exists() and "wrote" in out


def test_refused_bundle_exit_code(capsys: pytest.CaptureFixture[str], workspace: Workspace,
                                  tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    code, _out, err = cli(capsys, workspace, "bundle", "import", str(bad))
    assert code == 1 and "not a readable zip" in err and "nothing was imported" in err
    code, out, _err = cli(capsys, workspace, "bundle", "validate", str(bad), "--json")
    assert code == 1 and json.loads(out)["findings"][0]["rule"] == "bundle.archive"
