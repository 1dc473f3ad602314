"""Catalog fixtures: a shop, sheet writers, and a real HTTP server serving images."""

from __future__ import annotations

import csv
import io
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from shopbuilder.core.services.shops import create_shop
from shopbuilder.core.storage import Workspace


@pytest.fixture
def shop(workspace: Workspace) -> Workspace:
    with workspace.session() as s:
        create_shop(s, "acme", "Acme 旗舰店")
    return workspace


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], skip_rows: int = 0) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for _ in range(skip_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def image_bytes(mode: str = "RGB", size: tuple[int, int] = (40, 20), fmt: str = "PNG",
                color: object = "red", exif_orientation: int | None = None) -> bytes:
    img = Image.new(mode, size, color)  # type: ignore[arg-type]
    buf = io.BytesIO()
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        img.save(buf, fmt, exif=exif.tobytes())
    else:
        img.save(buf, fmt)
    return buf.getvalue()


@pytest.fixture(scope="session")
def images() -> dict[str, tuple[bytes, str]]:
    """path → (body, content type): good, odd and broken images."""
    good = image_bytes()
    jpeg = image_bytes(fmt="JPEG", color=(0, 128, 255))
    bomb = io.BytesIO()
    Image.new("1", (8000, 7000)).save(bomb, "PNG")  # 56 Mpx of nothing: a few KB
    return {
        "/red.png": (good, "image/png"),
        "/same-red.png": (good, "image/png"),
        "/photo.jpg": (jpeg, "image/jpeg"),
        "/cmyk.jpg": (image_bytes("CMYK", fmt="JPEG", color=(0, 255, 255, 0)), "image/jpeg"),
        "/rotated.jpg": (image_bytes(fmt="JPEG", size=(40, 20), exif_orientation=6),
                         "image/jpeg"),
        "/grey16.png": (image_bytes("I;16", color=40000), "image/png"),
        "/truncated.jpg": (jpeg[: len(jpeg) // 2], "image/jpeg"),
        "/page.html": (b"<html><body>not an image</body></html>", "text/html"),
        "/bomb.png": (bomb.getvalue(), "image/png"),
    }


@pytest.fixture
def image_server(images: dict[str, tuple[bytes, str]]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1; yields its base URL. Unknown paths are 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = images.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, ctype = found
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def dead_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused, no internet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


TEMPLATE_HEADERS = ["商品名称", "商品编码", "规格名1", "规格值1", "规格名2", "规格值2",
                    "SKU编码", "售价", "划线价", "库存", "分类", "标签", "状态"]
