"""Reading .xlsx and .csv sheets into header + rows of text, with Excel row numbers.

CSV files come from everywhere: UTF-8 with or without BOM, GBK/GB18030 from Chinese
Excel, UTF-16 from "Unicode text" exports, separated by `,`, `;` or tabs.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _

SEPARATORS = (",", ";", "\t")


@dataclass
class Sheet:
    """A sheet's header and data rows as text; `first_row` is the Excel number of rows[0]."""

    path: Path
    kind: str  # "xlsx" or "csv"
    headers: list[str]
    rows: list[list[str]]
    header_row: int = 1
    encoding: str = ""
    separator: str = ""
    sheet_name: str = ""
    row_numbers: list[int] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers else self.header_row + 1 + index


def read_sheet(path: Path) -> Sheet:
    path = Path(path)
    if not path.is_file():
        raise ValidationError("file", _("no such file: {path}").format(path=path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return read_csv(path)
    raise ValidationError("file", _("{name}: only .xlsx and .csv sheets can be imported").format(
        name=path.name))


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the user typed: 12.0 → "12", 19.9 → "19.9"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # 19.900000000000002 (binary float) → 19.9
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(path: Path) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        name = _pick_sheet(book.sheet_names)
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ValidationError("file", _("{name}: not a readable Excel file ({err})").format(
            name=path.name, err=exc)) from exc
    rows = [[cell_text(v) for v in row] for row in grid]
    return _split_header(path, "xlsx", rows, sheet_name=name)


def _pick_sheet(names: list[str]) -> str:
    """The first sheet that is not our template's notes sheet."""
    for name in names:
        if name.strip().lower() not in ("说明", "notes", "readme"):
            return name
    return names[0]


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Tries BOMs, strict UTF-8, then GB18030 (⊃ GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ValidationError("file", _(
            "cannot tell the text encoding; save the sheet as UTF-8 or GBK CSV ({err})"
        ).format(err=exc)) from exc


def sniff_separator(text: str) -> str:
    """The separator of the header line (headers hold no HTML with stray `;`); the csv
    Sniffer only when the header has none of them."""
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: (counts[sep], sep == ","))
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        return ","


def read_csv(path: Path) -> Sheet:
    text, encoding = decode(path.read_bytes())
    sep = sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        strip = str.strip
        rows = [list(map(strip, row)) for row in reader]
    except csv.Error as exc:
        raise ValidationError("file", _("{name}: broken CSV ({err})").format(
            name=path.name, err=exc)) from exc
    sheet = _split_header(path, "csv", rows)
    sheet.encoding, sheet.separator = encoding, sep
    return sheet


def _split_header(path: Path, kind: str, rows: list[list[str]], sheet_name: str = "") -> Sheet:
    """The first non-blank row is the header; blank rows after it are dropped but keep
    the following rows' numbers right."""
    header_index = next((i for i, r in enumerate(rows) if any(r)), None)
    if header_index is None:
        raise ValidationError("file", _("{name}: the sheet is empty").format(name=path.name))
    headers = rows[header_index]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data: list[list[str]] = []
    numbers: list[int] = []
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        if not any(row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        data.append(row)
        numbers.append(i + 1)
    return Sheet(path, kind, headers, data, header_row=header_index + 1,
                 sheet_name=sheet_name, row_numbers=numbers)
