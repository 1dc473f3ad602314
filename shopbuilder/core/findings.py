"""A finding: one thing a check (lint, margin guard, bundle validation) has to say.

Shared by promotions (margin guard), bundle (lint, validate), posters and publish so
the GUI and CLI show all of them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    """`rule` is a stable id (``price.list_above_7day_low``); `location` a path such as
    ``products[12].skus[1].list_price`` or ``group_buys[3].sku_prices.ABC-1``."""

    rule: str
    severity: Severity
    location: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": str(self.severity), "location": self.location,
                "message": self.message}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.location, f.rule))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
