"""Pre-flight lint: what must not leave the app without the user being told.

`lint_shop(session, slug)` checks a shop; `lint_docs(docs)` checks a bundle's
documents (also hand-edited ones). Rules live in the registry (`RULES`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shopbuilder.bundle.lint import rules_catalog, rules_platform, rules_promotions
from shopbuilder.bundle.lint.registry import RULES, LintContext, Rule, run_rules
from shopbuilder.core.findings import Finding, sort_findings

__all__ = ["RULES", "LintContext", "Rule", "lint_docs", "lint_shop", "lint_state"]
_LOADED = (rules_catalog, rules_platform, rules_promotions)


def lint_state(session: Session, state: Any) -> list[Finding]:
    from shopbuilder.bundle.builders import build_documents, identity_ref

    docs = build_documents(state, identity_ref)

    def asset_size(sha: str) -> tuple[int, int] | None:
        from shopbuilder.core.models import Asset

        asset = session.get(Asset, sha)
        if asset is None or asset.width is None or asset.height is None:
            return None
        return asset.width, asset.height

    ctx = LintContext(docs, asset_size, state.shop.slug, session, state)
    return sort_findings(run_rules(ctx))


def lint_shop(session: Session, slug: str) -> list[Finding]:
    """Every finding for shop `slug`, errors first."""
    from shopbuilder.bundle.builders import load_state

    return lint_state(session, load_state(session, slug))


def lint_docs(docs: dict[str, Any], slug: str = "",
              asset_size: Any = None) -> list[Finding]:
    """Findings for a bundle's documents (rules that need the shop's database skip)."""
    ctx = LintContext(docs, asset_size or (lambda _sha: None), slug)
    return sort_findings(run_rules(ctx))
