"""Identifier patterns accept the whole value or nothing: Python's `$` also matches
before a final newline, so "acme\\n" once passed as a shop id (and reached the
receiver's folders); every pattern ends in `\\Z`."""

from __future__ import annotations

import re

import pytest

from shopbuilder.bundle import validate as bundle_validate
from shopbuilder.bundle.lint import rules_platform
from shopbuilder.core import validation
from shopbuilder.core.services import pages
from shopbuilder.posters import batch, qr
from shopbuilder.promotions import rules
from shopbuilder.publish import protocol


@pytest.mark.parametrize(("pattern", "good"), [
    (validation.SLUG_RE, "acme"),
    (validation.COLOR_RE, "#A1B2C3"),
    (pages.PAGE_KEY_RE, "home"),
    (rules.KEY_RE, "gb1"),
    (rules.CODE_RE, "VIP2026"),
    (rules.SLOT_RE, "10:00"),
    (qr.SCENE_RE, "acme.p0abc12"),
    (rules_platform.SCENE_RE, "acme.p0abc12"),
    (bundle_validate.SHA_RE, "a" * 64),
    (batch._SAFE, "poster_1"),
    (protocol.SHA256_RE, "b" * 64),
    (protocol.UPLOAD_ID_RE, "c" * 32),
    (protocol.IDEMPOTENCY_KEY_RE, "key-00000001"),
    (protocol.NUMBER_RE, "12"),
])
def test_identifiers_refuse_a_trailing_newline(pattern: re.Pattern[str], good: str) -> None:
    assert pattern.match(good)
    assert not pattern.match(good + "\n")


def _patterns(value: object) -> list[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, list | tuple):
        return [p for item in value for p in _patterns(item)]
    return []


def test_no_anchored_pattern_anywhere_ends_in_a_dollar() -> None:
    """Every module-level pattern anchored with ^ (routes in lists too) ends in \\Z."""
    import importlib
    import pkgutil

    import shopbuilder

    offenders = []
    for module in pkgutil.walk_packages(shopbuilder.__path__, "shopbuilder."):
        if ".migrations" in module.name or module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            for pattern in _patterns(value):
                source = str(pattern.pattern)
                if source.startswith("^") and source.endswith("$") \
                        and not source.endswith("\\$"):
                    offenders.append(f"{module.name}.{name}: {source}")
    assert offenders == []
