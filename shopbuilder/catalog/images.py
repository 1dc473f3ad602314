"""Images named in a sheet: local files (relative to the sheet) or http(s) URLs.

Fetched a few at a time, each URL once per import; checked with Pillow before anything
is stored (decompression bombs, truncated files), and made displayable (EXIF rotation
applied, CMYK and 16-bit turned into 8-bit RGB/grey). A failure is a message for a
warning on the row, never an exception that aborts the import.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from PIL import Image, ImageOps

from shopbuilder.core.assets import MAX_IMAGE_PIXELS
from shopbuilder.i18n import _

log = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = (5.0, 20.0)  # connect, read (seconds)
WORKERS = 4
WEB_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
               "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}


@dataclass
class ImageResult:
    ref: str
    data: bytes | None = None
    name: str = ""
    error: str = ""
    note: str = ""  # what was changed (rotated, converted …), for a warning


class ImageProblem(Exception):
    pass


def is_url(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://"))


def _name_of(ref: str) -> str:
    if is_url(ref):
        return PurePosixPath(unquote(urlparse(ref).path)).name or "image"
    return Path(ref).name


def read_ref(ref: str, base_dir: Path, session: object | None = None) -> bytes:
    if is_url(ref):
        import requests

        getter = session.get if session is not None else requests.get  # type: ignore[attr-defined]
        try:
            with getter(ref, timeout=TIMEOUT, stream=True) as resp:
                if resp.status_code != 200:
                    raise ImageProblem(_("the server answered {status}").format(
                        status=resp.status_code))
                data = bytearray()
                for chunk in resp.iter_content(65536):
                    data += chunk
                    if len(data) > MAX_BYTES:
                        raise ImageProblem(_("larger than {mb} MB").format(
                            mb=MAX_BYTES // 2**20))
                return bytes(data)
        except requests.RequestException as exc:
            raise ImageProblem(_("cannot download it ({err})").format(
                err=type(exc).__name__)) from exc
    path = Path(ref.removeprefix("file://"))
    if not path.is_absolute():
        path = base_dir / path
    if not path.is_file():
        raise ImageProblem(_("no such file or URL"))
    if path.stat().st_size > MAX_BYTES:
        raise ImageProblem(_("larger than {mb} MB").format(mb=MAX_BYTES // 2**20))
    return path.read_bytes()


def check_image(data: bytes, name: str) -> tuple[bytes, str, str]:
    """(bytes to store, file name, note). Raises ImageProblem for what cannot be shown."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format or ""
            w, h = img.size
            if w * h > MAX_IMAGE_PIXELS:
                raise ImageProblem(_(
                    "{w}×{h} pixels is too large to open safely (decompression bomb?)"
                ).format(w=w, h=h))
            img.load()
    except ImageProblem:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageProblem(_("too large to open safely (decompression bomb?)")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        if "truncated" in str(exc).lower():
            raise ImageProblem(_("the image file is truncated (incomplete download?)")) from exc
        raise ImageProblem(_("not an image Pillow can read ({err})").format(err=exc)) from exc
    notes: list[str] = []
    out = img
    orientation = img.getexif().get(0x0112, 1)
    if orientation not in (1, None):
        out = ImageOps.exif_transpose(img)
        notes.append(_("rotated upright (EXIF orientation)"))
    if out.mode == "CMYK":
        out = out.convert("RGB")
        notes.append(_("converted from CMYK to RGB"))
    elif out.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        out = out.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        notes.append(_("converted from 16-bit to 8-bit"))
    elif out.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "PA"):
        out = out.convert("RGBA" if "A" in out.mode else "RGB")
        notes.append(_("converted from {mode} to RGB").format(mode=img.mode))
    if fmt not in WEB_FORMATS and not notes:
        notes.append(_("converted from {fmt} to a web format").format(fmt=fmt or "?"))
    if not notes:
        ok = (".jpg", ".jpeg", ".jpe") if fmt == "JPEG" else (EXTENSIONS.get(fmt),)
        if fmt in EXTENSIONS and PurePosixPath(name).suffix.lower() not in ok:
            name = (PurePosixPath(name).stem or "image") + EXTENSIONS[fmt]  # stored files
        return data, name, ""
    target = "JPEG" if out.mode in ("RGB", "L") and fmt in ("JPEG", "TIFF", "") else "PNG"
    if target == "JPEG" and out.mode not in ("RGB", "L"):
        out = out.convert("RGB")
    buf = io.BytesIO()
    out.save(buf, target, quality=90) if target == "JPEG" else out.save(buf, target)
    stem = PurePosixPath(name).stem or "image"
    return buf.getvalue(), stem + EXTENSIONS[target], "; ".join(notes)


def load_one(ref: str, base_dir: Path, session: object | None = None) -> ImageResult:
    name = _name_of(ref)
    try:
        data = read_ref(ref, base_dir, session)
        data, name, note = check_image(data, name)
    except ImageProblem as exc:
        return ImageResult(ref, error=str(exc))
    except OSError as exc:
        return ImageResult(ref, error=_("cannot read it ({err})").format(
            err=exc.strerror or exc))
    except Exception as exc:  # a broken image must never abort an import
        log.warning("image %s: %r", ref, exc)
        return ImageResult(ref, error=_("not an image Pillow can read ({err})").format(
            err=exc))
    return ImageResult(ref, data, name, note=note)


def load_images(refs: Iterable[str], base_dir: Path,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> dict[str, ImageResult]:
    """Every distinct ref once, `WORKERS` at a time."""
    import requests

    unique = list(dict.fromkeys(refs))
    results: dict[str, ImageResult] = {}
    if not unique:
        return results
    with requests.Session() as http, ThreadPoolExecutor(WORKERS) as pool:
        futures = {pool.submit(load_one, ref, base_dir, http): ref for ref in unique}
        for done, future in enumerate(as_completed(futures), 1):
            result = future.result()
            results[result.ref] = result
            if progress:
                progress(done, len(unique))
            if cancelled and cancelled():
                for f in futures:
                    f.cancel()
                break
    return results
