"""`shopbuilder settings [get KEY | set KEY VALUE]`: the app's settings from the command
line, in the same TOML file the GUI writes."""

from __future__ import annotations

import argparse
from typing import Any

from shopbuilder.i18n import _


def cmd_settings(ctx: Any) -> None:
    from shopbuilder.core import settings

    a = ctx.args
    if a.action == "set":
        settings.set_value(a.key, a.value)
    values = settings.load()
    if a.action in ("get", "set"):
        if a.key not in values:
            from shopbuilder.core.errors import ValidationError

            raise ValidationError(a.key, _("unknown setting"))
        ctx.emit({a.key: values[a.key]}, str(values[a.key]))
        return

    def text() -> str:
        width = max(len(s.key) for s in settings.SETTINGS)
        return "\n".join(f"{s.key:<{width}}  {values[s.key]!s:<24}  {_(s.label)}"
                         for s in settings.SETTINGS) + "\n" + str(settings.config_path())
    ctx.emit(values, text)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("settings", help=_("show or change the app's settings"))
    p.add_argument("action", nargs="?", choices=["list", "get", "set"], default="list")
    p.add_argument("key", nargs="?", default=None)
    p.add_argument("value", nargs="?", default=None)
    p.add_argument("--json", action="store_true", help=_("print machine-readable JSON"))
    p.set_defaults(func=_dispatch)


def _dispatch(ctx: Any) -> int | None:
    a = ctx.args
    if (a.action in ("get", "set") and a.key is None) or (a.action == "set" and a.value is None):
        import sys

        print(_("usage: shopbuilder settings [list | get KEY | set KEY VALUE]"), file=sys.stderr)
        return 2
    cmd_settings(ctx)
    return None
