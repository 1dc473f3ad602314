"""Small checks shared by services. Each adds an issue naming the field; none raises."""

from __future__ import annotations

import re
from typing import Any

from shopbuilder.core.errors import Collector
from shopbuilder.i18n import _

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,19}\Z")
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}\Z")


def text(c: Collector, path: str, value: Any, *, max_len: int, required: bool = True) -> None:
    if not isinstance(value, str):
        c.add(path, _("must be text"))
    elif required and not value.strip():
        c.add(path, _("must not be empty"))
    elif len(value) > max_len:
        c.add(path, _("at most {n} characters (has {m})").format(n=max_len, m=len(value)))


def slug(c: Collector, path: str, value: Any) -> None:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        c.add(path, _(
            "{value!r} is not a valid shop id: 2–20 lowercase letters, digits or '-', "
            "starting with a letter or digit"
        ).format(value=value))


def color(c: Collector, path: str, value: Any) -> None:
    if not isinstance(value, str) or not COLOR_RE.match(value):
        c.add(path, _("{value!r} is not a colour like #E4393C").format(value=value))


def whole(c: Collector, path: str, value: Any, *, minimum: int | None = 0,
          maximum: int | None = None, optional: bool = False) -> bool:
    """An integer (fen, stock, grams) within bounds. Floats are refused: money is fen."""
    if value is None and optional:
        return True
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(path, _("must be a whole number, got {value!r}").format(value=value))
        return False
    if minimum is not None and value < minimum:
        if minimum == 0:
            c.add(path, _("must not be negative (got {value})").format(value=value))
        else:
            c.add(path, _("must be at least {n} (got {value})").format(n=minimum, value=value))
        return False
    if maximum is not None and value > maximum:
        c.add(path, _("must be at most {n} (got {value})").format(n=maximum, value=value))
        return False
    return True
