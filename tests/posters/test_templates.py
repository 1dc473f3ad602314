"""Templates as data: schema and binding checks with JSON paths, shop copies,
import/export through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopbuilder.cli import main
from shopbuilder.core.errors import NotFoundError, ValidationError
from shopbuilder.core.storage import Workspace
from shopbuilder.posters.binding import fields_for, resolve
from shopbuilder.posters.templates import (
    builtin_ids,
    builtin_template,
    copy_template,
    get_template,
    list_templates,
    load_template_file,
    save_shop_template,
    validate_template,
)


def issues(doc: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        validate_template(doc)
    return {i.path: i.message for i in info.value.issues}


def test_builtins_are_valid_and_cover_every_kind() -> None:
    kinds = {builtin_template(i)["kind"] for i in builtin_ids()}
    assert kinds == {"product", "group_buy", "bargain", "flash_sale", "coupon", "shop"}
    for template_id in builtin_ids():
        assert builtin_template(template_id)["id"] == template_id


def test_unknown_and_misplaced_bindings_are_reported_with_their_path() -> None:
    doc = builtin_template("product")
    doc["layers"][3]["text"] = "{{product.titel}}"
    doc["layers"][4]["text"] = "{{group_buy.hook}}"
    doc["layers"][5]["color"] = "{{shop.colour}}"
    found = issues(doc)
    assert found["layers[3].text"] == "unknown binding {{product.titel}}"
    assert "not available on a product poster" in found["layers[4].text"]
    assert "group_buy" in found["layers[4].text"]
    assert "layers[5].color" in found


def test_missing_and_unknown_fields_and_bad_values_name_the_field() -> None:
    doc = builtin_template("product")
    del doc["layers"][2]["src"]
    doc["layers"][3]["colour"] = "#000000"
    doc["layers"][4]["size"] = "big"
    doc["layers"][7]["logo_ratio"] = 0.4
    doc["width"] = 5
    found = issues(doc)
    assert found["layers[2].src"] == "missing field 'src'"
    assert found["layers[3].colour"] == "unknown field 'colour'"
    assert "layers[4].size" in found
    assert "layers[7].logo_ratio" in found
    assert "width" in found


def test_relative_positions_must_name_an_earlier_layer() -> None:
    doc = builtin_template("product")
    doc["layers"][3]["y"] = {"below": "price", "gap": 10}
    doc["layers"][4]["y"] = {"below": "nowhere"}
    doc["layers"][5]["id"] = "title"
    found = issues(doc)
    assert "'price' is not an earlier layer" in found["layers[3].y"]
    assert "'nowhere'" in found["layers[4].y"]
    assert "duplicate" in found["layers[5].id"]


def test_a_bad_template_file_gives_a_path_precise_error(tmp_path: Path) -> None:
    doc = builtin_template("group_buy")
    doc["layers"][6]["label"] = "{{group_buy.sise}}人团"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_template_file(path)
    assert info.value.path == f"{path}:layers[6].label"
    path.write_text('{"id": "x",\n "name": }', encoding="utf-8")
    with pytest.raises(ValidationError, match="line 2"):
        load_template_file(path)


def test_bindings_resolve_to_raw_values_or_text() -> None:
    data = {"price.price": 7900, "group_buy.size": 3, "price.list_price": None}
    assert resolve("{{price.price}}", data) == 7900
    assert resolve("{{ price.list_price }}", data) is None
    assert resolve("{{group_buy.size}}人团", data) == "3人团"
    assert resolve("plain", data) == "plain"
    assert "product.title" in fields_for("group_buy")
    assert "product.title" not in fields_for("coupon")


def test_shop_copies_take_precedence_and_are_validated(poster_workspace: Workspace) -> None:
    with poster_workspace.session() as s:
        copy_template(s, "demo", "product", "mine")
        mine = get_template(s, "demo", "mine")
        assert mine["id"] == "mine"
        mine["name"] = "我的海报"
        save_shop_template(s, "demo", mine)
        rows = {r["id"]: r for r in list_templates(s, "demo")}
        assert rows["mine"]["source"] == "shop" and rows["mine"]["name"] == "我的海报"
        assert rows["product"]["source"] == "builtin"
        bad = dict(mine, kind="nonsense")
        with pytest.raises(ValidationError, match="kind"):
            save_shop_template(s, "demo", bad)
        with pytest.raises(NotFoundError):
            get_template(s, "demo", "nope")
    with poster_workspace.session() as s:
        assert get_template(s, "demo", "mine")["name"] == "我的海报"


def test_cli_exports_imports_and_copies_templates(
        poster_workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", poster_workspace.url]
    target = tmp_path / "product.json"
    assert main([*db, "poster-template", "export", "demo", "product", str(target)]) == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc == builtin_template("product")
    doc["layers"][3]["text"] = "{{product.titel}}"
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main([*db, "poster-template", "import", "demo", str(target), "--id", "x"]) == 1
    assert "layers[3].text: unknown binding {{product.titel}}" in capsys.readouterr().err
    doc["layers"][3]["text"] = "{{product.subtitle}}"
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main([*db, "poster-template", "import", "demo", str(target), "--id", "sub"]) == 0
    assert main([*db, "poster-template", "copy", "demo", "coupon", "--as", "coupon2"]) == 0
    capsys.readouterr()
    assert main([*db, "poster-template", "list", "demo", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sub"]["source"] == "shop" and rows["coupon2"]["kind"] == "coupon"
    assert main([*db, "poster-template", "delete", "demo", "sub"]) == 0
    assert main([*db, "poster-template", "delete", "demo", "sub"]) == 1
