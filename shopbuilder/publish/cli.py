"""`shopbuilder serve`, `publish` (with `publish history` / `publish rollback`) and
`target add/list/remove`.

`publish` is both a command (`publish SHOP --target NAME`) and a group (`publish
history SHOP`, `publish rollback SHOP ...`): argparse cannot have an optional
subcommand beside a positional, so `publish` takes one or two words and dispatches
on the first. A shop literally called "history" still publishes with one word.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from shopbuilder.i18n import _

PUBLISH_USAGE = """
  shopbuilder publish SHOP --target NAME [--bundle FILE] [--dry-run] [--json]
  shopbuilder publish history SHOP [--json]
  shopbuilder publish rollback SHOP --target NAME --to N [--json]"""


def _add_json(parser: argparse.ArgumentParser) -> None:
    from shopbuilder.cli import add_json

    add_json(parser)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's commands to the main parser."""
    p = subparsers.add_parser("serve", help=_("run the reference bundle receiver"))
    p.add_argument("--root", required=True, metavar="DIR", help=_("where bundles are stored"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8377, help=_("0 picks a free port"))
    p.add_argument("--token-file", metavar="F",
                   help=_("grants, one 'SHOP TOKEN' or '* TOKEN' per line"))
    p.add_argument("--keep-uploads", type=float, default=7, metavar="DAYS",
                   help=_("remove unfinished uploads untouched for this many days "
                          "(default 7)"))
    p.add_argument("--part-size", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--max-size", type=int, default=None, metavar="BYTES",
                   help=_("largest bundle accepted"))
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "publish", usage=PUBLISH_USAGE,
        help=_("upload a shop's bundle to a target; 'publish history' and "
               "'publish rollback' too"),
        description=_("Upload SHOP's bundle to a target and make it active; show the "
                      "publish history; or roll a target back to an earlier version."))
    p.add_argument("words", nargs="+", metavar="SHOP",
                   help=_("SHOP, or 'history SHOP', or 'rollback SHOP'"))
    p.add_argument("--target", metavar="NAME", help=_("a target from 'shopbuilder target add'"))
    p.add_argument("--bundle", metavar="FILE", help=_("upload this bundle instead of "
                                                      "exporting the shop now"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("show the diff against the target's active version; upload nothing"))
    p.add_argument("--to", type=int, metavar="N", help=_("rollback: the version to activate"))
    _add_json(p)
    p.set_defaults(func=cmd_publish, publish_parser=p)

    target = subparsers.add_parser("target", help=_("add, list or remove publish targets"))
    target_sub = target.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = target_sub.add_parser("add", help=_("add (or change) a target; the token is "
                                            "prompted and kept in the OS keyring"))
    p.add_argument("name")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help=_("receiver address, https://…"))
    where.add_argument("--folder", metavar="DIR", help=_("a plain folder"))
    p.add_argument("--ca-bundle", metavar="FILE",
                   help=_("CA certificates (PEM) to trust instead of the system's; the file "
                          "must hold every CA the receiver's certificate needs"))
    _add_json(p)
    p.set_defaults(func=cmd_target_add)
    p = target_sub.add_parser("list", help=_("list targets"))
    _add_json(p)
    p.set_defaults(func=cmd_target_list)
    p = target_sub.add_parser("remove", help=_("remove a target and its stored token"))
    p.add_argument("name")
    _add_json(p)
    p.set_defaults(func=cmd_target_remove)


# ---------------------------------------------------------------- serve


def cmd_serve(ctx: Any) -> int:
    from shopbuilder.core.errors import ShopBuilderError
    from shopbuilder.publish import protocol
    from shopbuilder.publish.auth import TokenTable
    from shopbuilder.publish.server import ReceiverApp
    from shopbuilder.publish.serving import make_server, server_url

    a = ctx.args
    root = Path(a.root).absolute()
    if not a.keep_uploads > 0:
        raise ShopBuilderError(_("--keep-uploads: give a number of days above 0"))
    tokens = TokenTable.from_file(Path(a.token_file)) if a.token_file else TokenTable()
    try:
        app = ReceiverApp(root, tokens, part_size=a.part_size or protocol.DEFAULT_PART_SIZE,
                          max_bundle_size=a.max_size or protocol.DEFAULT_MAX_BUNDLE_SIZE,
                          keep_uploads=a.keep_uploads * 86400)
    except OSError as exc:
        raise ShopBuilderError(_("cannot store bundles in {path}: {error}").format(
            path=root, error=exc.strerror or exc)) from exc
    try:
        server = make_server(app, a.host, a.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ShopBuilderError(_(
                "{host}:{port} is already in use (another receiver or program is listening "
                "there); choose another --port").format(host=a.host, port=a.port)) from exc
        raise ShopBuilderError(_("cannot listen on {host}:{port}: {error}").format(
            host=a.host, port=a.port, error=exc.strerror or exc)) from exc
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    server_log = logging.getLogger("shopbuilder.publish.server")
    server_log.addHandler(handler)
    server_log.setLevel(logging.INFO)
    server_log.propagate = False  # the root handler would print every line a second time
    if not tokens:
        print(_("warning: no token file; nothing can be uploaded, only active bundles "
                "served"), file=sys.stderr)
    print(_("shopbuilder receiver on {url} (root {root})").format(
        url=server_url(server), root=root.resolve()), flush=True)

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # every file is written atomically: stopping is safe

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.task_dispatcher.shutdown(timeout=10)
        server.close()
    return 0


# ---------------------------------------------------------------- publish


def cmd_publish(ctx: Any) -> int | None:
    a = ctx.args
    parser: argparse.ArgumentParser = a.publish_parser
    words = a.words
    if len(words) == 1:
        if a.to is not None:
            parser.error(_("--to is for 'publish rollback SHOP --target NAME --to N'"))
        if not a.target:
            parser.error(_("--target NAME is required"))
        return publish_cmd(ctx, words[0])
    if len(words) == 2 and words[0] == "history":
        if a.bundle or a.dry_run or a.to is not None:
            parser.error(_("'publish history SHOP' takes no --bundle, --dry-run or --to"))
        return history_cmd(ctx, words[1])
    if len(words) == 2 and words[0] == "rollback":
        if not a.target or a.to is None:
            parser.error(_("'publish rollback SHOP' needs --target NAME and --to N"))
        if a.bundle or a.dry_run:
            parser.error(_("'publish rollback' takes no --bundle or --dry-run"))
        return rollback_cmd(ctx, words[1])
    parser.error(_("expected SHOP, 'history SHOP' or 'rollback SHOP', got {words}").format(
        words=" ".join(words)))
    return 2


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        percent = 100 if total == 0 else done * 100 // total
        print(f"\r{_('uploading')} {percent:3d}%", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)
    return show


def publish_cmd(ctx: Any, slug: str) -> None:
    from shopbuilder.publish.service import publish

    a = ctx.args
    result = publish(ctx.workspace, slug, a.target, Path(a.bundle) if a.bundle else None,
                     dry_run=a.dry_run, progress=None if ctx.json else _progress_printer())

    def text() -> str:
        if not result["dry_run"]:
            resumed = (_(" (resumed: {n} parts were already there)").format(
                n=result["parts_skipped"]) if result["parts_skipped"] else "")
            return _("published {slug} to {target}: version {n} is active{resumed}").format(
                slug=slug, target=a.target, n=result["version"], resumed=resumed)
        active = result["active_version"]
        return "\n".join([
            _("dry run: nothing uploaded"),
            _("active version on {target}: {n}").format(
                target=a.target, n=active if active is not None else _("none")),
            _("same bundle as the active version") if result["same_as_active"]
            else result["diff_text"]])
    ctx.emit(result, text)


def history_cmd(ctx: Any, slug: str) -> None:
    from shopbuilder.publish.service import history

    with ctx.session() as s:
        rows = history(s, slug)

    def text() -> str:
        if not rows:
            return _("nothing published yet")
        return "\n".join(
            f"{r['local_time']}  {r['action']:<8} {r['target']:<12} "
            f"v{r['version'] if r['version'] is not None else '-':<4} {r['result']:<9} "
            f"{r['sha256'][:12]}  {r['message']}".rstrip() for r in rows)
    ctx.emit(rows, text)


def rollback_cmd(ctx: Any, slug: str) -> None:
    from shopbuilder.publish.service import rollback

    a = ctx.args
    result = rollback(ctx.workspace, slug, a.target, a.to)
    ctx.emit(result, _("{target} now serves version {n} of {slug}").format(
        target=a.target, n=a.to, slug=slug))


# ---------------------------------------------------------------- targets


def read_token(name: str) -> str:
    """Prompt on a terminal; read one line from a pipe (scripts, tests). Never argv."""
    if sys.stdin.isatty():
        return getpass.getpass(_("token for {name}: ").format(name=name))
    return sys.stdin.readline().strip()


def cmd_target_add(ctx: Any) -> None:
    from shopbuilder.publish.service import save_target

    a = ctx.args
    data = save_target(ctx.workspace, a.name, url=a.url, folder=a.folder,
                       ca_bundle=a.ca_bundle, token=lambda: read_token(a.name))
    ctx.emit(data, _("target {name} saved").format(name=a.name))


def cmd_target_list(ctx: Any) -> None:
    from shopbuilder.publish.service import targets

    rows = targets(ctx.workspace)
    ctx.emit(rows, lambda: "\n".join(
        f"{r['name']:<16} {r['kind']:<6} {r['url'] or r['folder']}" for r in rows)
        or _("no targets"))


def cmd_target_remove(ctx: Any) -> None:
    from shopbuilder.publish.service import delete_target

    delete_target(ctx.workspace, ctx.args.name)
    ctx.emit({"removed": ctx.args.name}, _("removed target {name}").format(name=ctx.args.name))
