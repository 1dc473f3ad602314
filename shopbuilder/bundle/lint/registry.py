"""The lint rule registry: each rule is data (id, severity, description) plus one
small function. The registry is the documentation: `shopbuilder lint --rules`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.bundle import format as fmt
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.i18n import _

Docs = dict[str, Any]


@dataclass
class LintContext:
    """What rules look at: the bundle's documents (built from the shop, or read from
    a bundle file) and, when linting a shop, its database session and rows."""

    docs: Docs
    asset_size: Callable[[str], tuple[int, int] | None] = lambda _sha: None
    slug: str = ""
    session: Session | None = None
    state: Any = None  # builders.ShopState when linting a shop

    def doc(self, name: str) -> dict[str, Any]:
        value = self.docs.get(name)
        return value if isinstance(value, dict) else {}

    def items(self, name: str, key: str) -> list[dict[str, Any]]:
        value = self.doc(name).get(key, [])
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def pages(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for name in sorted(self.docs):
            if name.startswith(fmt.PAGES_DIR):
                doc = self.docs[name]
                if isinstance(doc, dict):
                    yield str(doc.get("key", name[len(fmt.PAGES_DIR):-5])), doc


Check = Callable[[LintContext, "Rule"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    area: str  # references, money, price law, WeChat rules, platform, e-commerce law
    description: str  # English source; shown through _()
    check: Check = field(compare=False, repr=False)
    needs_session: bool = False  # only when linting a shop (price history, margin guard)

    def finding(self, location: str, message: str,
                severity: Severity | None = None) -> Finding:
        return Finding(self.id, severity or self.severity, location, message)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "severity": str(self.severity), "area": self.area,
                "description": _(self.description), "needs_shop": self.needs_session}


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, area: str, description: str, *,
         needs_session: bool = False) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, area, description, check, needs_session)
        return check
    return register


def run_rules(ctx: LintContext, rules: Iterable[Rule] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for r in rules if rules is not None else RULES.values():
        if r.needs_session and ctx.session is None:
            continue
        out.extend(r.check(ctx, r))
    return out
