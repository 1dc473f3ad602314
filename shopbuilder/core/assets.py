"""Content-addressed files: stored once by SHA-256, under ``ab/cdef…`` like git objects.

Writes are atomic (temp file + rename), so a crash never leaves a half file under
its final name; the same bytes written twice are stored once.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import _

MAX_IMAGE_PIXELS = 50_000_000  # beyond this an "image" is a decompression bomb


@dataclass(frozen=True)
class AssetInfo:
    sha256: str
    mime: str
    size: int
    width: int | None
    height: int | None


def sniff(data: bytes, name: str = "", path: str = "file") -> AssetInfo:
    """Hash and inspect bytes. Images are fully decoded so truncated files and
    decompression bombs are refused here, not at export time."""
    sha = hashlib.sha256(data).hexdigest()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    width = height = None
    if mime.startswith("image/") or not name:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as img:
                    fmt = img.format
                    width, height = img.size
                    if width * height > MAX_IMAGE_PIXELS:
                        raise ValidationError(path, _(
                            "{name}: image of {w}×{h} pixels is too large to open safely"
                        ).format(name=name or sha[:12], w=width, h=height))
                    img.load()
            mime = Image.MIME.get(fmt or "", mime)
        except (OSError, SyntaxError, ValueError) as exc:
            if mime.startswith("image/"):
                message = _("{name}: not a readable image ({err})")
                raise ValidationError(path, message.format(name=name or sha[:12], err=exc)) from exc
    return AssetInfo(sha, mime, len(data), width, height)


class AssetStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def write(self, sha256: str, data: bytes) -> Path:
        target = self.path_for(sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return target

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
