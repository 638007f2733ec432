"""Small real files to upload: a PNG and a JPEG drawn by Pillow, and a one-page PDF."""

from __future__ import annotations

import io

from PIL import Image


def image(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()
