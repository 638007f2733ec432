"""Small real documents of each kind a paper may be, and some that only look like one."""

from __future__ import annotations

import io
import zipfile

from strategy.demo import docx

__all__ = ["docx", "odt", "xlsx", "zip_of"]


def zip_of(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            kind = zipfile.ZIP_STORED if stored_first and name == "mimetype" else None
            archive.writestr(name, content, compress_type=kind)
    return out.getvalue()


def xlsx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt() -> bytes:
    return zip_of(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
        stored_first=True,
    )
