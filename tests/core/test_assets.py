from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from shopbuilder.core.errors import ValidationError
from shopbuilder.core.models import Asset
from shopbuilder.core.services.assets import add_asset
from shopbuilder.core.storage import Workspace
from tests.core.factories import png_bytes


def test_same_bytes_are_stored_once(workspace: Workspace) -> None:
    data = png_bytes("blue", (30, 20))
    with workspace.session() as s:
        a = add_asset(s, data, "a.png")
        b = add_asset(s, data, "copy.png")
        assert a.sha256 == b.sha256
        assert (a.width, a.height, a.mime) == (30, 20, "image/png")
        assert s.scalar(select(func.count()).select_from(Asset)) == 1
    assert workspace.assets.read(a.sha256) == data
    files = [p for p in workspace.assets.root.rglob("*") if p.is_file()]
    assert len(files) == 1


def test_truncated_image_is_refused_with_its_name(workspace: Workspace) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buf, "JPEG")
    with pytest.raises(ValidationError) as info, workspace.session() as s:
        add_asset(s, buf.getvalue()[:300], "broken.jpg", path="images[0]")
    assert info.value.path == "images[0]" and "broken.jpg" in info.value.message


def test_decompression_bomb_is_refused(workspace: Workspace) -> None:
    buf = io.BytesIO()
    Image.new("1", (10000, 10000)).save(buf, "PNG")  # 100 MP, a few KB
    with pytest.raises(ValidationError, match="too large"), workspace.session() as s:
        add_asset(s, buf.getvalue(), "bomb.png")
