"""`--dry-run`: what would change on the target, as the bundle package's diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shopbuilder.i18n import _


def dry_run_diff(active: Path | None, active_version: int | None,
                 new: Path) -> tuple[dict[str, Any], str]:
    """(JSON, text) of the changes from the target's active bundle to `new`; with
    nothing active yet, everything is new."""
    from shopbuilder.bundle.diff import diff_bundles

    if active is None:
        return ({"identical": False, "summary": {}, "changes": [], "first_publish": True},
                _("nothing is active on the target yet: everything is new"))
    diff = diff_bundles(active, new)
    data = diff.as_json()
    data.update(a=_("active version {n}").format(n=active_version), b=str(new),
                first_publish=False)
    return data, diff.text()
