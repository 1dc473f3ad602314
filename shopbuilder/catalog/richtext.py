"""Product detail HTML → what a mini-program `rich-text` node can show, safely.

Sanitising is nh3's job (a maintained HTML sanitiser), never regexes; a small
`HTMLParser` pass only counts what will be removed so the report can say so.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

# The tags rich-text renders (WeChat docs, "rich-text" → 受信任的HTML节点).
RICH_TEXT_TAGS = {
    "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote",
    "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "div", "dl",
    "dt", "em", "fieldset", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "i", "img", "ins", "label", "legend", "li", "mark", "nav", "ol", "p", "pre", "q",
    "rt", "ruby", "s", "section", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}
ATTRIBUTES = {
    "*": {"class", "style"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "font": {"color", "size", "face"},
    "table": {"width", "border", "cellpadding", "cellspacing"},
    "td": {"colspan", "rowspan", "width", "height"},
    "th": {"colspan", "rowspan", "width", "height"},
    "ol": {"start", "type"},
}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href"}
BAD_SCHEMES = ("javascript:", "vbscript:")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # is it HTML at all?


class _Counter(HTMLParser):
    """Counts scripts, event handlers (onclick …) and javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.removed += 1
        for name, value in attrs:
            link = (value or "").strip().lower().replace("\x00", "")
            if name.startswith("on") or (name in URL_ATTRS and link.startswith(BAD_SCHEMES)):
                self.removed += 1

    handle_startendtag = handle_starttag


def sanitize(text: str) -> tuple[str, int]:
    """(safe HTML, number of dangerous things removed). Plain text becomes paragraphs."""
    if not text.strip():
        return "", 0
    if not _TAG.search(text):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return "".join(f"<p>{html.escape(ln, quote=False)}</p>" for ln in lines), 0
    counter = _Counter()
    counter.feed(text)
    counter.close()
    cleaned = nh3.clean(text, tags=RICH_TEXT_TAGS, attributes=ATTRIBUTES,
                        clean_content_tags=DROPPED_WITH_CONTENT, url_schemes={"http", "https"},
                        link_rel=None, strip_comments=True)
    return cleaned.strip(), counter.removed
