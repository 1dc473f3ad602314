"""Reading a bundle someone else may have made: every entry is checked before any byte
is trusted. Hostile archives (path traversal, symlinks, duplicate names, zip bombs,
unknown format versions, checksum mismatches, invalid JSON) are refused with a clear
error, before anything is written anywhere."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.i18n import _

PARALLEL_HASH_THREADS = 4
PARALLEL_HASH_BYTES = 32 * 1024 * 1024  # below this, threads cost more than they save


class BundleError(ShopBuilderError):
    """A bundle that cannot be read safely; `findings` says every reason."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("; ".join(f"{f.location}: {f.message}" for f in findings[:5])
                         + ("" if len(findings) <= 5 else f" (+{len(findings) - 5})"))


def _bad(rule: str, location: str, message: str) -> Finding:
    return Finding(rule, Severity.ERROR, location, message)


def unsafe_name(name: str) -> str | None:
    """Why an entry name is unsafe to extract, or None."""
    if not name or "\x00" in name:
        return _("empty or NUL in the name")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return _("absolute path")
    if "\\" in name:
        return _("backslash in the path")
    if any(part in ("..", ".") for part in PurePosixPath(name).parts) or "/../" in f"/{name}/":
        return _("'..' in the path")
    return None


def check_entries(infos: list[zipfile.ZipInfo]) -> list[Finding]:
    """Structural checks on the central directory: nothing is decompressed yet."""
    problems: list[Finding] = []
    if len(infos) > fmt.MAX_ENTRIES:
        problems.append(_bad("bundle.archive", "zip", _("{n} entries; at most {max}").format(
            n=len(infos), max=fmt.MAX_ENTRIES)))
        return problems
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        why = unsafe_name(name)
        if why:
            problems.append(_bad("bundle.archive", name, _("unsafe entry name: {why}").format(
                why=why)))
            continue
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            problems.append(_bad("bundle.archive", name, _("symbolic links are not allowed")))
        if name in seen:
            problems.append(_bad("bundle.archive", name, _("the name appears twice")))
        seen.add(name)
        total += info.file_size
        if info.file_size > fmt.MAX_ENTRY_UNCOMPRESSED:
            problems.append(_bad("bundle.archive", name, _(
                "{mb} MB uncompressed; at most {max} MB per file").format(
                mb=info.file_size // 2**20, max=fmt.MAX_ENTRY_UNCOMPRESSED // 2**20)))
        elif info.file_size > 1024 * 1024 and info.file_size > fmt.MAX_RATIO * max(
                info.compress_size, 1):
            problems.append(_bad("bundle.archive", name, _(
                "compressed {ratio}:1, a zip bomb").format(
                ratio=info.file_size // max(info.compress_size, 1))))
    if total > fmt.MAX_TOTAL_UNCOMPRESSED:
        problems.append(_bad("bundle.archive", "zip", _(
            "{mb} MB uncompressed in total; at most {max} MB").format(
            mb=total // 2**20, max=fmt.MAX_TOTAL_UNCOMPRESSED // 2**20)))
    return problems


@dataclass(frozen=True)
class EntryDigest:
    """What someone who read an entry's bytes as they went by knows of it: the stored
    (uncompressed) entry whose local header at `header_offset` is named `name`, holds
    `size` bytes whose CRC-32 is `crc` (checked) and whose SHA-256 is `sha256`.

    `open_bundle` takes such digests instead of reading an entry again when the central
    directory describes exactly that entry (the receiver hashes uploads as they land)."""

    name: str
    header_offset: int
    crc: int
    size: int
    sha256: str

    def describes(self, info: zipfile.ZipInfo) -> bool:
        return (info.header_offset == self.header_offset
                and info.orig_filename == self.name
                and info.compress_type == zipfile.ZIP_STORED
                and self.crc == info.CRC
                and info.file_size == info.compress_size == self.size)


@dataclass
class Bundle:
    """A bundle read and verified: manifest, parsed JSON documents, binary entry names.

    `findings` holds every integrity problem (checksums, JSON, missing files); the
    archive itself was safe to read or `open_bundle` would have raised."""

    path: Path
    manifest: dict[str, Any]
    docs: dict[str, Any] = field(default_factory=dict)
    binaries: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(name)

    def iter_binaries(self, prefix: str = "") -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of the verified binary entries, from one open of the zip."""
        with zipfile.ZipFile(self.path) as zf:
            for name in sorted(self.binaries):
                if name.startswith(prefix):
                    yield name, zf.read(name)


def _hash_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, bytes | None]:
    """SHA-256 of an entry; JSON entries are also returned (they are small)."""
    digest = hashlib.sha256()
    keep = info.filename.endswith(".json")
    chunks = []
    with zf.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
            if keep:
                chunks.append(chunk)
    return digest.hexdigest(), b"".join(chunks) if keep else None


def _hash_entries(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                  known: Mapping[int, EntryDigest]) -> Iterator[tuple[str, bytes | None]]:
    """`_hash_entry` of each entry, in order; binary entries `known` describes exactly
    are not read at all. A large bundle is hashed on several threads (hashing, CRC and
    file reads release the GIL; a ZipFile may be read by several threads at once),
    which halves validating a 200 MB upload on two cores."""

    def hashed(info: zipfile.ZipInfo) -> tuple[str, bytes | None]:
        digest = known.get(info.header_offset)
        if digest is not None and digest.describes(info) and not info.filename.endswith(
                ".json"):
            return digest.sha256, None
        return _hash_entry(zf, info)

    workers = min(PARALLEL_HASH_THREADS, os.cpu_count() or 1)
    unread = sum(i.file_size for i in infos if i.header_offset not in known)
    if workers < 2 or unread < PARALLEL_HASH_BYTES:
        yield from (hashed(info) for info in infos)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="bundle-hash") as pool:
        futures = [pool.submit(hashed, info) for info in infos]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def open_bundle(path: Path | str, known: Mapping[int, EntryDigest] | None = None) -> Bundle:
    """Read and verify a bundle. Raises `BundleError` for anything unsafe or unreadable
    (the archive, the manifest, the format version); other problems are findings.
    `known`: digests of entries already hashed, by local-header offset (see
    `EntryDigest`)."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError([_bad("bundle.archive", path.name, _("not a readable zip: {err}")
                                .format(err=exc))]) from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        problems = check_entries(infos)
        if problems:
            raise BundleError(problems)
        by_name = {i.filename: i for i in infos}
        manifest = _read_manifest(zf, by_name)
        bundle = Bundle(path, manifest)
        listed: dict[str, dict[str, Any]] = {}
        for i, entry in enumerate(manifest.get("files", [])):
            listed[entry["path"]] = entry
            if entry["path"] not in by_name:
                bundle.findings.append(_bad("bundle.missing", f"{fmt.MANIFEST}#/files/{i}",
                                            _("{path} is listed but not in the zip").format(
                                                path=entry["path"])))
        fatal: list[Finding] = []
        to_hash = []
        for name, info in sorted(by_name.items()):
            if name == fmt.MANIFEST:
                continue
            if name not in listed:
                bundle.findings.append(_bad("bundle.unlisted", name, _(
                    "not listed in the manifest")))
                continue
            to_hash.append(info)
        try:
            hashes = _hash_entries(zf, to_hash, known or {})
            for info, (sha, data) in zip(to_hash, hashes, strict=True):
                name = info.filename
                if sha != listed[name]["sha256"] or info.file_size != listed[name]["size"]:
                    fatal.append(_bad("bundle.checksum", name, _(
                        "the content does not match the manifest's checksum (changed or "
                        "damaged)")))
                    continue
                if data is None:
                    bundle.binaries.append(name)
                    continue
                try:
                    bundle.docs[name] = json.loads(data.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as exc:
                    fatal.append(_bad("bundle.json", name, _("invalid JSON: {err}").format(
                        err=exc)))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BundleError([_bad("bundle.archive", path.name, _("damaged zip: {err}").format(
                err=exc))]) from exc
    if fatal:
        raise BundleError(fatal)
    return bundle


def _read_manifest(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, Any]:
    from shopbuilder.bundle.schemas import schema_errors

    info = by_name.get(fmt.MANIFEST)
    if info is None:
        raise BundleError([_bad("bundle.format", fmt.MANIFEST, _(
            "no manifest.json: this is not a shopbuilder bundle"))])
    try:
        manifest = json.loads(zf.read(info).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, zipfile.BadZipFile) as exc:
        raise BundleError([_bad("bundle.json", fmt.MANIFEST, _("invalid JSON: {err}").format(
            err=exc))]) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != fmt.FORMAT_ID:
        raise BundleError([_bad("bundle.format", f"{fmt.MANIFEST}#/format", _(
            "not a shopbuilder bundle (format {fmt!r})").format(
            fmt=manifest.get("format") if isinstance(manifest, dict) else None))])
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError([_bad("bundle.format", f"{fmt.MANIFEST}#/format_version", _(
            "unknown format version {v!r}").format(v=version))])
    if version > fmt.FORMAT_VERSION:
        raise BundleError([_bad("bundle.format", f"{fmt.MANIFEST}#/format_version", _(
            "format version {v} is newer than this app understands ({mine}); update "
            "shopbuilder").format(v=version, mine=fmt.FORMAT_VERSION))])
    problems = list(schema_errors(fmt.MANIFEST, manifest))
    if problems:
        raise BundleError(problems)
    return manifest
