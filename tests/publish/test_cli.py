"""`shopbuilder target`, `publish` (all its forms) and `serve`, against a real receiver."""

from __future__ import annotations

import gc
import io
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import keyring
import pytest
import requests
from keyring.backends import fail

from shopbuilder.cli import main
from shopbuilder.core.storage import Workspace
from shopbuilder.publish.storage import Store
from tests.publish.conftest import PART, TOKEN, FaultProxy, FileKeyring, Receiver, make_bundle


class Cli:
    def __init__(self, db_url: str, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.db_url, self.capsys, self.monkeypatch = db_url, capsys, monkeypatch

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(["--db", self.db_url, *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, stdin: str = "") -> Any:
        code, out, err = self(*args, "--json", stdin=stdin)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        test_keyring: FileKeyring) -> Cli:
    c = Cli(db_url, capsys, monkeypatch)
    assert c("shop", "create", "acme", "--name", "Acme 旗舰店")[0] == 0
    return c


@pytest.fixture
def prod(cli: Cli, receiver: Receiver) -> Receiver:
    data = cli.json("target", "add", "prod", "--url", receiver.url, stdin=TOKEN + "\n")
    assert data == {"name": "prod", "kind": "url", "url": receiver.url, "folder": "",
                    "ca_bundle": ""}
    return receiver


def test_target_add_keeps_the_token_in_the_keyring_only(cli: Cli, prod: Receiver,
                                                          test_keyring: FileKeyring,
                                                          db_url: str) -> None:
    assert test_keyring.get_password("shopbuilder-publish", f"prod {prod.url}") == TOKEN
    assert cli.json("target", "list")[0]["name"] == "prod"
    # pointing the target elsewhere needs a new token; the old one is dropped
    cli.json("target", "add", "prod", "--url", "https://bundles.example.com",
             stdin="tok-new-0001\n")
    assert test_keyring.get_password("shopbuilder-publish", f"prod {prod.url}") is None
    assert test_keyring.get_password("shopbuilder-publish",
                                     "prod https://bundles.example.com") == "tok-new-0001"
    cli.json("target", "add", "prod", "--url", prod.url, stdin=TOKEN + "\n")
    assert TOKEN.encode() not in Path(db_url.removeprefix("sqlite:///")).read_bytes()
    code, _out, _err = cli("target", "remove", "prod")
    assert code == 0 and test_keyring.get_password("shopbuilder-publish",
                                                   f"prod {prod.url}") is None
    assert cli.json("target", "list") == []


def test_no_keyring_is_a_clear_error_and_nothing_is_saved(cli: Cli, receiver: Receiver) -> None:
    keyring.set_keyring(fail.Keyring())  # the fixture restores the previous one
    code, _out, err = cli("target", "add", "prod", "--url", receiver.url, stdin=TOKEN + "\n")
    assert code == 1 and "no secure keyring" in err
    assert cli.json("target", "list") == []


def test_target_checks(cli: Cli, tmp_path: Path) -> None:
    code, _out, err = cli("target", "add", "prod", "--url", "http://example.com/x",
                          stdin=TOKEN + "\n")
    assert code == 1 and "url: use https://" in err
    code, _out, err = cli("target", "add", "bad name", "--folder", str(tmp_path))
    assert code == 1 and "name:" in err
    code, _out, err = cli("target", "add", "prod", "--url", "https://x.example")
    assert code == 1 and "no token" in err
    assert cli("target", "add", "prod")[0] == 2  # --url or --folder is required
    code, out, _err = cli("target", "add", "--help")
    assert code == 0 and "instead of the system's" in " ".join(out.split())


@pytest.mark.parametrize("token", [f"{TOKEN[:6]}\u2013{TOKEN[7:]}", "tok-acme\rextra",
                                   "tok acme", "tok\tacme", "tök-acme"])
def test_a_token_that_cannot_travel_in_a_header_is_refused(cli: Cli, test_keyring: FileKeyring,
                                                           token: str) -> None:
    url = "https://bundles.example.com"
    code, _out, err = cli("target", "add", "prod", "--url", url, stdin=token + "\n")
    assert code == 1 and "printable ASCII" in err, err
    assert token not in err
    assert cli.json("target", "list") == []
    assert test_keyring.get_password("shopbuilder-publish", f"prod {url}") is None


def test_a_stored_token_that_cannot_be_sent_says_how_to_fix_it(cli: Cli, prod: Receiver,
                                                                test_keyring: FileKeyring,
                                                                tmp_path: Path) -> None:
    # a token saved before tokens were checked
    test_keyring.set_password("shopbuilder-publish", f"prod {prod.url}", "tok\u2013acme")
    code, _out, err = cli("publish", "acme", "--target", "prod", "--bundle",
                          str(make_bundle(tmp_path / "b.zip")))
    assert code == 1 and "shopbuilder target add prod" in err, err


def test_a_relative_folder_is_stored_as_an_absolute_path(cli: Cli, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = cli.json("target", "add", "local", "--folder", "out/shops")
    assert data["folder"] == str(tmp_path.resolve() / "out" / "shops")
    monkeypatch.chdir(tmp_path.parent)  # publishing from elsewhere uses the same folder
    bundle = make_bundle(tmp_path / "b.zip")
    assert cli.json("publish", "acme", "--target", "local", "--bundle", str(bundle))[
        "version"] == 1
    assert Store(tmp_path / "out" / "shops").active_number("acme") == 1


def test_a_folder_that_cannot_be_created_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cli.json("target", "add", "shared", "--folder", str(blocker / "shops"))
    code, _out, err = cli("publish", "acme", "--target", "shared", "--bundle",
                          str(make_bundle(tmp_path / "b.zip")))
    assert code == 1 and str(blocker / "shops") in err, err


def test_folder_target_switches_active_json_only_after_the_zip_is_in_place(
        cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    cli.json("target", "add", "shared", "--folder", str(folder))
    b1, b2 = make_bundle(tmp_path / "b1.zip", seed=1), make_bundle(tmp_path / "b2.zip", seed=2)
    cli.json("publish", "acme", "--target", "shared", "--bundle", str(b1))
    active_zip = folder / "shops" / "acme" / "active.zip"
    active_zip.unlink()
    active_zip.mkdir()  # the copy of version 2 cannot land: as if the run died right there
    code, _out, err = cli("publish", "acme", "--target", "shared", "--bundle", str(b2))
    assert code == 1 and str(active_zip) in err, err
    assert Store(folder).active_number("acme") == 1  # still names what active.zip held
    assert not list(active_zip.parent.glob(".active.zip.*"))  # no temp file left behind


def test_retry_warnings_are_shown_only_with_verbose(cli: Cli, receiver: Receiver,
                                                    proxy: FaultProxy, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    cli.json("target", "add", "prod", "--url", proxy.url, stdin=TOKEN + "\n")
    for n, verbose in enumerate([(), ("-v",)], 1):
        caplog.clear()
        proxy.cut_at = proxy.sent + int(1.5 * PART)  # one connection drops, then recovers
        bundle = make_bundle(tmp_path / f"b{n}.zip", seed=n)
        code, _out, err = cli(*verbose, "publish", "acme", "--target", "prod", "--bundle",
                              str(bundle))
        assert code == 0 and proxy.faults == n, err
        retried = [r for r in caplog.records if r.getMessage().startswith("Retrying")]
        assert bool(retried) is bool(verbose), caplog.text


def test_publish_history_and_rollback(cli: Cli, prod: Receiver, tmp_path: Path) -> None:
    b1 = make_bundle(tmp_path / "b1.zip", seed=1)
    b2 = make_bundle(tmp_path / "b2.zip", seed=2)
    first = cli.json("publish", "acme", "--target", "prod", "--bundle", str(b1))
    assert {k: first[k] for k in ("version", "active", "dry_run", "parts_skipped")} == {
        "version": 1, "active": True, "dry_run": False, "parts_skipped": 0}
    code, out, _err = cli("publish", "acme", "--target", "prod", "--bundle", str(b2))
    assert code == 0 and "version 2 is active" in out
    assert requests.get(f"{prod.url}/v1/shops/acme/active").content == b2.read_bytes()

    rolled = cli.json("publish", "rollback", "acme", "--target", "prod", "--to", "1")
    assert rolled["active_version"] == 1
    assert requests.get(f"{prod.url}/v1/shops/acme/active").content == b1.read_bytes()
    code, _out, err = cli("publish", "rollback", "acme", "--target", "prod", "--to", "9")
    assert code == 1 and "no version 9" in err and "1, 2" in err

    rows = cli.json("publish", "history", "acme")
    assert [(r["action"], r["version"], r["result"]) for r in rows] == [
        ("rollback", 9, "failed"), ("rollback", 1, "ok"), ("publish", 2, "ok"),
        ("publish", 1, "ok")]
    assert rows[1]["sha256"] == rows[3]["sha256"] and rows[3]["target"] == "prod"
    assert rows[0]["time"].endswith("+00:00") and rows[0]["local_time"].endswith("+08:00")
    code, out, _err = cli("publish", "history", "acme")
    assert code == 0 and "rollback" in out and "v2" in out


def test_publish_exports_the_shop_when_no_bundle_is_given(cli: Cli, prod: Receiver) -> None:
    result = cli.json("publish", "acme", "--target", "prod")
    assert result["version"] == 1
    bundle = requests.get(f"{prod.url}/v1/shops/acme/active")
    assert bundle.status_code == 200 and bundle.headers["X-Bundle-SHA256"] == result["sha256"]


def test_dry_run_shows_the_diff_and_uploads_nothing(cli: Cli, prod: Receiver,
                                                    tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b1.zip")
    first = cli.json("publish", "acme", "--target", "prod", "--bundle", str(bundle), "--dry-run")
    assert first["active_version"] is None and first["diff"]["first_publish"] is True
    cli.json("publish", "acme", "--target", "prod", "--bundle", str(bundle))
    stored = prod.app.stats["parts_stored"]
    # the shop changes: a product is added, so the next bundle differs
    assert cli("product", "add", "acme", "--code", "TEE", "--title", "T恤", "--price", "79",
               "--stock", "5")[0] == 0
    dry = cli.json("publish", "acme", "--target", "prod", "--dry-run")
    assert dry["dry_run"] is True and dry["active_version"] == 1
    assert dry["same_as_active"] is False and not dry["diff"]["identical"]
    assert any(c["kind"] == "product" and c["key"] == "TEE" and c["change"] == "added"
               for c in dry["diff"]["changes"])
    code, out, _err = cli("publish", "acme", "--target", "prod", "--dry-run")
    assert code == 0 and "nothing uploaded" in out and "+ product TEE" in out
    same = cli.json("publish", "acme", "--target", "prod", "--bundle", str(bundle), "--dry-run")
    assert same["same_as_active"] is True
    assert prod.app.stats["parts_stored"] == stored
    assert [v.number for v in Store(prod.root).versions("acme")] == [1]
    assert [r["action"] for r in cli.json("publish", "history", "acme")] == ["publish"]


def test_folder_target(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "cdn"
    cli.json("target", "add", "local", "--folder", str(folder))
    b1, b2 = (make_bundle(tmp_path / f"b{i}.zip", seed=i) for i in (1, 2))
    assert cli.json("publish", "acme", "--target", "local", "--bundle", str(b1))["version"] == 1
    assert cli.json("publish", "acme", "--target", "local", "--bundle", str(b2))["version"] == 2
    active = folder / "shops" / "acme" / "active.zip"
    assert active.read_bytes() == b2.read_bytes()
    cli.json("publish", "rollback", "acme", "--target", "local", "--to", "1")
    assert active.read_bytes() == b1.read_bytes()
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    other = make_bundle(tmp_path / "o.zip", slug="other")
    code, _out, err = cli("publish", "acme", "--target", "local", "--bundle", str(other))
    assert code == 1 and "not 'acme'" in err


@pytest.mark.parametrize("args", [
    ["publish", "acme"],                                       # no --target
    ["publish", "acme", "--target", "prod", "--to", "1"],      # --to outside rollback
    ["publish", "history", "acme", "--dry-run"],
    ["publish", "rollback", "acme", "--target", "prod"],       # no --to
    ["publish", "rollback", "acme", "--to", "1"],              # no --target
    ["publish", "a", "b", "c"],
    ["publish", "frobnicate", "acme"],
    ["publish"],
])
def test_publish_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    code, _out, err = cli(*args)
    assert code == 2 and "usage:" in err


def test_wrong_token_is_shown_as_the_receivers_message(cli: Cli, receiver: Receiver,
                                                       tmp_path: Path) -> None:
    cli.json("target", "add", "prod", "--url", receiver.url, stdin="wrong-token\n")
    code, _out, err = cli("publish", "acme", "--target", "prod", "--bundle",
                          str(make_bundle(tmp_path / "b.zip")))
    assert code == 1
    assert err.strip() == ("error: Not authorised: the access token is missing or wrong; "
                           "check the target's token")
    assert cli.json("publish", "history", "acme")[0]["result"] == "failed"


def test_the_token_never_reaches_logs_db_bundles_or_receiver_files(
        cli: Cli, prod: Receiver, tmp_path: Path, db_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bundle = make_bundle(tmp_path / "b.zip")
    outputs = [cli("-v", "publish", "acme", "--target", "prod", "--bundle", str(bundle)),
               cli("-v", "publish", "history", "acme"),
               cli("-v", "publish", "rollback", "acme", "--target", "prod", "--to", "1"),
               cli("-v", "publish", "acme", "--target", "prod", "--dry-run")]
    assert all(code == 0 for code, _o, _e in outputs)
    assert any("/v1/" in r.getMessage() for r in caplog.records)  # logging did happen
    assert TOKEN not in caplog.text
    assert all(TOKEN not in out + err for _c, out, err in outputs)
    db_file = Path(db_url.removeprefix("sqlite:///"))
    files = [p for p in [*db_file.parent.glob(db_file.name + "*"), *prod.root.rglob("*"),
                         bundle] if p.is_file()]
    assert len(files) > 3
    for path in files:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_serve_command_runs_the_receiver(tmp_path: Path, cli: Cli) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"# grants\nacme {TOKEN}\n")
    env = {**os.environ, "SHOPBUILDER_LANG": "en", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shopbuilder", "serve", "--root", str(tmp_path / "rx"),
         "--port", "0", "--token-file", str(tokens)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "receiver on http://127.0.0.1:" in line, line
        url = line.split(" on ")[1].split()[0]
        cli.json("target", "add", "self", "--url", url, stdin=TOKEN + "\n")
        bundle = make_bundle(tmp_path / "b.zip")
        assert cli.json("publish", "acme", "--target", "self", "--bundle",
                        str(bundle))["version"] == 1
        assert requests.get(f"{url}/v1/shops/acme/active").content == bundle.read_bytes()
        assert requests.get(f"{url}/v1/shops/acme/versions").status_code == 401
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0  # SIGTERM stops it cleanly
    assert "POST /v1/shops/acme/uploads -> 201" in err
    assert TOKEN not in err


def test_a_failed_publish_resumes_with_the_same_key(shop_workspace: Workspace,
                                                    receiver: Receiver, tmp_path: Path,
                                                    test_keyring: FileKeyring) -> None:
    from shopbuilder.core.errors import ShopBuilderError
    from shopbuilder.publish import service
    from shopbuilder.publish.protocol import Problem
    from shopbuilder.publish.targets import add_target
    from shopbuilder.publish.tokens import store_token

    failing = [True]
    receiver.fault = lambda env: (Problem(503, "busy", "Busy", "try later")
                                  if failing[0] and env["PATH_INFO"].endswith("/parts/2")
                                  else None)
    receiver.restart()
    with shop_workspace.session() as s:
        add_target(s, "prod", url=receiver.url)
    store_token("prod", receiver.url, TOKEN)
    bundle = make_bundle(tmp_path / "b.zip")
    with pytest.raises(ShopBuilderError):
        service.publish(shop_workspace, "acme", "prod", bundle, backoff=0.0, retries=1)
    failing[0] = False
    before = receiver.app.stats["parts_stored"]
    result = service.publish(shop_workspace, "acme", "prod", bundle)
    assert before >= 2 and result["parts_skipped"] == before and result["version"] == 1
    assert receiver.app.stats["parts_stored"] == result["parts_sent"] + before
    with shop_workspace.session() as s:
        rows = service.history(s, "acme")
    assert [r["result"] for r in rows] == ["ok", "failed"]
    assert "Busy" in rows[1]["message"]
    from shopbuilder.core.models import PublishRecord

    with shop_workspace.session() as s:
        keys = {r.idempotency_key for r in s.query(PublishRecord)}
    assert len(keys) == 1


def test_a_target_whose_token_is_gone_says_how_to_fix_it(cli: Cli, prod: Receiver,
                                                         test_keyring: FileKeyring,
                                                         tmp_path: Path) -> None:
    test_keyring.delete_password("shopbuilder-publish", f"prod {prod.url}")
    code, _out, err = cli("publish", "acme", "--target", "prod", "--bundle",
                          str(make_bundle(tmp_path / "b.zip")))
    assert code == 1 and "no token stored for target prod" in err
    assert "shopbuilder target add prod" in err
    code, _out, err = cli("publish", "acme", "--target", "nope", "--dry-run")
    assert code == 1 and "no publish target named 'nope'" in err
    code, _out, err = cli("publish", "zeta", "--target", "prod")
    assert code == 1 and "no shop" in err


def test_serve_logs_each_request_once(tmp_path: Path) -> None:
    env = {**os.environ, "SHOPBUILDER_LANG": "en", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shopbuilder", "serve", "--root", str(tmp_path / "rx"),
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(" on ")[1].split()[0]
        assert requests.get(f"{url}/v1/shops/acme/active").status_code == 404
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert err.count("GET /v1/shops/acme/active -> 404") == 1, err


def test_serve_on_a_port_in_use_is_a_clear_error(cli: Cli, receiver: Receiver,
                                                tmp_path: Path) -> None:
    """Nothing is left open either: a socket or thread left behind would warn (and
    warnings are errors in this suite)."""
    assert receiver.server is not None
    port = str(receiver.server.port)
    threads = threading.active_count()
    code, _out, err = cli("serve", "--root", str(tmp_path / "rx"), "--port", port)
    gc.collect()
    assert threading.active_count() == threads
    assert code == 1 and f"127.0.0.1:{port} is already in use" in err, err


def test_serve_with_a_root_that_cannot_be_created_is_a_clear_error(cli: Cli,
                                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _out, err = cli("serve", "--root", str(blocker / "rx"), "--port", "0")
    assert code == 1 and str(blocker / "rx") in err, err


def test_serve_refuses_a_malformed_token_file(cli: Cli, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("acme\n")
    code, _out, err = cli("serve", "--root", str(tmp_path / "rx"), "--port", "0",
                          "--token-file", str(tokens))
    assert code == 1 and "line 1" in err
    tokens.write_text("# grants\nacme tok\u2013acme-5f0c\n")  # a pasted en dash
    code, _out, err = cli("serve", "--root", str(tmp_path / "rx"), "--port", "0",
                          "--token-file", str(tokens))
    assert code == 1 and "line 2" in err and "ASCII" in err, err
