"""What an import found and did, and the error report file a marketer opens in Excel."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.i18n import _


@dataclass(frozen=True)
class RowIssue:
    """One problem at one cell: `row` as Excel numbers it (header = 1), `column` its header."""

    row: int | None
    column: str
    value: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.message}

    def __str__(self) -> str:
        where = _("row {row}").format(row=self.row) if self.row else _("file")
        if self.column:
            where += f", {self.column}"
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.message}"


@dataclass
class ImportReport:
    """Counts are products; `sku_*` counts are kept for the wizard's summary."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    sku_created: int = 0
    sku_updated: int = 0
    sku_unchanged: int = 0
    sku_removed: int = 0
    images_stored: int = 0
    html_removed: int = 0  # scripts, event handlers and javascript: links taken out
    format: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    written: bool = False  # something was written to the database

    @property
    def failed(self) -> bool:
        """Errors prevented the import (or would have, in a dry run)."""
        return bool(self.errors) and not self.skip_invalid

    def as_json(self) -> dict[str, Any]:
        """The CLI's `--json` shape (other tools rely on it: do not add keys here)."""
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": self.skipped,
                "errors": [e.as_json() for e in self.errors],
                "warnings": [w.as_json() for w in self.warnings]}

    def summary(self) -> str:
        text = _("{created} created, {updated} updated, {unchanged} unchanged, "
                 "{skipped} skipped; {errors} errors, {warnings} warnings").format(
            created=self.created, updated=self.updated, unchanged=self.unchanged,
            skipped=self.skipped, errors=len(self.errors), warnings=len(self.warnings))
        if self.dry_run:
            text = _("dry run (nothing written): {text}").format(text=text)
        return text


class ImportCancelled(ShopBuilderError):
    """The user cancelled; nothing was written."""


REPORT_HEADERS = ("level", "row", "column", "value", "message")


def report_rows(report: ImportReport) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for level, items in ((_("error"), report.errors), (_("warning"), report.warnings)):
        rows += [[level, i.row or "", i.column, i.value, i.message] for i in items]
    return rows


def write_report(report: ImportReport, path: Path) -> Path:
    """Errors then warnings, as .xlsx or as .csv with a BOM (so Excel reads the Chinese)."""
    path = Path(path)
    headers = [_("level"), _("row"), _("column"), _("value"), _("message")]
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("import report"))
        sheet.append(headers)
        for row in report_rows(report):
            sheet.append(row)
        book.save(tmp)
    else:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(report_rows(report))
    os.replace(tmp, path)
    return path
