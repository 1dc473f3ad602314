"""`shopbuilder catalog …` in-process through `cli.main`: contracts, JSON shape, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shopbuilder.cli import main
from tests.catalog.conftest import TEMPLATE_HEADERS, write_csv

ROWS = [TEMPLATE_HEADERS,
        ["杯子", "CUP", "", "", "", "", "CUP-1", "19", "", "3", "餐厨", "", "上架"],
        ["碗", "BOWL", "", "", "", "", "BOWL-1", "abc", "", "3", "", "", ""]]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--db", url, "shop", "create", "acme", "--name", "Acme"]) == 0
    return url


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def test_import_json_shape_and_exit_code_on_errors(db: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    code, out = run_json(capsys, "--db", db, "catalog", "import", "acme", str(sheet), "--json")
    assert code == 1
    assert set(out) == {"created", "updated", "unchanged", "skipped", "errors", "warnings"}
    assert out["errors"] == [{"row": 3, "column": "售价", "value": "abc",
                              "message": "not a price: 'abc' (write it like 1299 or 1,299.00)"}]
    code, out = run_json(capsys, "--db", db, "catalog", "import", "acme", str(sheet),
                         "--skip-invalid", "--json")
    assert code == 0 and (out["created"], out["skipped"]) == (1, 1)


def test_dry_run_report_file_and_map(db: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["名字", "商品编码", "售价", "备注"], ["茶杯", "CUP", "19", "易碎"],
            ["茶壶", "POT", "-1", ""]]
    sheet = write_csv(tmp_path / "m.csv", rows)
    report = tmp_path / "report.csv"
    code = main(["--db", db, "catalog", "import", "acme", str(sheet), "--map", "名字=title",
                 "--map", "备注=-", "--dry-run", "--report", str(report)])
    assert code == 1
    lines = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["level", "row", "column", "value", "message"]
    assert lines[1][:4] == ["error", "3", "售价", "-1"]
    xlsx = tmp_path / "report.xlsx"
    main(["--db", db, "catalog", "import", "acme", str(sheet), "--map", "名字=title",
          "--report", str(xlsx)])
    assert next(load_workbook(xlsx).active.iter_rows(min_row=2, values_only=True))[:3] == (
        "error", 3, "售价")
    assert "row 3, 售价 ('-1')" in capsys.readouterr().err


def test_bad_map_is_a_user_error(db: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    sheet = write_csv(tmp_path / "s.csv", ROWS)
    assert main(["--db", db, "catalog", "import", "acme", str(sheet), "--map", "x=nope"]) == 1
    assert "unknown field 'nope'" in capsys.readouterr().err


def test_template_and_export(db: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("t.xlsx", "t.csv"):
        assert main(["catalog", "template", "-o", str(tmp_path / name)]) == 0
    assert load_workbook(tmp_path / "t.xlsx").sheetnames == ["商品", "说明"]
    sheet = write_csv(tmp_path / "s.csv", ROWS[:2])
    assert main(["--db", db, "catalog", "import", "acme", str(sheet)]) == 0
    code, out = run_json(capsys, "--db", db, "catalog", "export", "acme", "-o",
                         str(tmp_path / "e.csv"), "--json")
    assert code == 0 and out["rows"] == 1
    code, out = run_json(capsys, "--db", db, "catalog", "import", "acme",
                         str(tmp_path / "e.csv"), "--json")
    assert code == 0 and (out["unchanged"], out["updated"], out["created"]) == (1, 0, 0)


def test_missing_file_and_unknown_shop(db: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "catalog", "import", "acme", str(tmp_path / "nope.csv")]) == 1
    sheet = write_csv(tmp_path / "s.csv", ROWS[:2])
    assert main(["--db", db, "catalog", "import", "nobody", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "no shop with id 'nobody'" in err
