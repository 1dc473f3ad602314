"""Chinese line breaking with 避头尾 (kinsoku) rules.

A line may break between any two CJK characters, at spaces, and between a CJK
character and a Latin word, but never inside a Latin word or number (unless the
word alone is wider than the line), never before closing punctuation
(，。、！？；：」）》 …) and never after opening punctuation (「（《 …).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# 行首禁则: may not start a line
NO_START = frozenset(
    "，。、！？；：,.!?;:%％)）]］}｝」』》〉】〕〗〙〛’”›»・·…‥ー～〜"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻‐゠–"
)
# 行尾禁则: may not end a line
NO_END = frozenset("(（[［{｛「『《〈【〔〖〘〚‘“‹«¥￥$＄#＃")
ELLIPSIS = "…"

# A Latin word or number stays whole: letters, digits and the marks inside them.
_WORD = r"[A-Za-z0-9\u00C0-\u024F]+"
_TOKEN_RE = re.compile(rf"{_WORD}(?:[.,'’\-/:+_&]{_WORD})*|\s+|.", re.DOTALL)

Measure = Callable[[str], float]


def tokens(text: str) -> list[str]:
    """Unbreakable pieces before the punctuation rules: words, spaces, single characters."""
    return _TOKEN_RE.findall(text)


def units(text: str) -> list[str]:
    """Pieces a line may break between: closing punctuation sticks to what precedes it,
    opening punctuation to what follows it."""
    out: list[str] = []
    carry = ""  # opening punctuation waiting for the next piece
    for tok in tokens(text):
        if tok.isspace():
            if carry:
                out.append(carry)
                carry = ""
            out.append(" ")
            continue
        if tok in NO_START and out and not out[-1].isspace() and not carry:
            out[-1] += tok
            continue
        if tok in NO_END:
            carry += tok
            continue
        out.append(carry + tok)
        carry = ""
    if carry:
        out.append(carry)
    return out


def _split_long(unit: str, width: float, measure: Measure) -> list[str]:
    """A word wider than the line is broken by characters (the only way it fits)."""
    parts: list[str] = []
    current = ""
    for ch in unit:
        if current and measure(current + ch) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Greedy line filling of `text` into lines no wider than `width`.

    Explicit newlines start a new line; spaces at a line's ends are dropped.
    """
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, measure))
    return lines


def _wrap_paragraph(text: str, width: float, measure: Measure) -> list[str]:
    lines: list[list[str]] = []
    current: list[str] = []
    for unit in units(text):
        if unit == " " and not current:
            continue
        if measure("".join([*current, unit]).rstrip()) <= width:
            current.append(unit)
            continue
        if "".join(current).strip():
            lines.append(current)
        current = []
        if unit == " ":
            continue
        if measure(unit) > width:
            pieces = _split_long(unit, width, measure)
            lines.extend([p] for p in pieces[:-1])
            current = [pieces[-1]]
        else:
            current = [unit]
    if "".join(current).strip() or not lines:
        lines.append(current)
    _avoid_widow(lines, width, measure)
    return ["".join(line).strip() for line in lines]


def _avoid_widow(lines: list[list[str]], width: float, measure: Measure) -> None:
    """A last line of one or two lone characters looks like a mistake: bring pieces of
    the previous line down until it has three, while they fit."""
    if len(lines) < 2:
        return
    prev, last = lines[-2], lines[-1]
    while len("".join(last).strip()) < 3:
        while prev and prev[-1] == " ":
            prev.pop()
        if len(prev) < 3 or measure("".join([prev[-1], *last])) > width:
            return
        last.insert(0, prev.pop())


def fit_lines(text: str, width: float, measure: Measure,
              max_lines: int | None, ellipsis: bool = True) -> tuple[list[str], bool]:
    """Wrap and cut to `max_lines`; returns the lines and whether text was cut.

    A cut line ends in "…" (when `ellipsis`), shortened until the "…" fits, and never
    with opening punctuation right before the "…".
    """
    lines = wrap(text, width, measure)
    if max_lines is None or len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    if not ellipsis:
        return kept, True
    last = kept[-1]
    while last and (measure(last + ELLIPSIS) > width or last[-1] in NO_END or last[-1].isspace()
                    or last[-1] in "，、；：,;:"):
        last = last[:-1]
    kept[-1] = last + ELLIPSIS
    return kept, True
