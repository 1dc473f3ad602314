"""Extract, update, compile and check the gettext catalogues.

    python scripts/i18n.py extract   # shopbuilder/**.py → resources/locale/shopbuilder.pot
    python scripts/i18n.py update    # merge the template into every language's .po
    python scripts/i18n.py compile   # .po → .mo
    python scripts/i18n.py check     # exit 1 if a .mo is stale or a zh_CN message is missing
    python scripts/i18n.py all       # extract + update + compile

English is the source language: its catalogue is generated with msgstr = msgid so both
languages are complete. Keywords: ``_``, ``N_`` and ``ngettext``.
"""

from __future__ import annotations

import gettext
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "shopbuilder"
LANGUAGES = ("zh_CN", "en")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extract() -> Catalog:
    catalog = Catalog(project=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT / "shopbuilder"), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        catalog.add(message, None, [(f"shopbuilder/{filename}", lineno)],
                    auto_comments=comments, context=context)
    return catalog


def write_template(catalog: Catalog) -> Path:
    path = LOCALE / f"{DOMAIN}.pot"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
    return path


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project=DOMAIN, charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def update(template: Catalog) -> None:
    for lang in LANGUAGES:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if lang == "en":
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, ignore_obsolete=True)


def mo_bytes(lang: str) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, read(lang), use_fuzzy=False)
    return buf.getvalue()


def compile_all() -> None:
    for lang in LANGUAGES:
        mo_path(lang).write_bytes(mo_bytes(lang))


def missing(lang: str, template: Catalog | None = None) -> list[str]:
    """Message ids of the source with no (or a fuzzy) translation in `lang`."""
    template = template or extract()
    catalog = read(lang)
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        string = found.string if found is not None else None
        if isinstance(string, tuple | list):
            string = string[0] if all(string) else ""
        if not string or (found is not None and found.fuzzy):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def mo_messages(data: bytes) -> dict[object, str]:
    """What a .mo file says, with the Babel version that wrote it left out: a newer
    Babel writes another ``Generated-By`` header, not other translations."""
    catalog = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)  # type: ignore[attr-defined]
    catalog[""] = "".join(line for line in catalog.get("", "").splitlines(keepends=True)
                          if not line.startswith("Generated-By:"))
    return catalog


def stale() -> list[str]:
    return [lang for lang in LANGUAGES if not mo_path(lang).exists()
            or mo_messages(mo_path(lang).read_bytes()) != mo_messages(mo_bytes(lang))]


def check() -> int:
    template = extract()
    problems = 0
    for lang in stale():
        print(f"{mo_path(lang)} is stale: run scripts/i18n.py compile")
        problems += 1
    for lang in LANGUAGES:
        for msgid in missing(lang, template):
            print(f"{lang}: no translation for {msgid!r}")
            problems += 1
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command in ("extract", "all", "update"):
        template = extract()
        print(f"{len(template)} messages → {write_template(template)}")
        if command in ("all", "update"):
            update(template)
    if command in ("compile", "all"):
        compile_all()
    if command == "check":
        return check()
    if command not in ("extract", "update", "compile", "all", "check"):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
