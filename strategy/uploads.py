"""Papers as uploaded: what a file really is, judged by its content (never by its name).

A PDF opens with `%PDF-` and ends with `%%EOF`. DOCX, XLSX and ODT are all zip files: an ODT's
first entry is `mimetype`, stored uncompressed, holding its type; a DOCX or XLSX holds
`[Content_Types].xml` and its main part (`word/document.xml` or `xl/workbook.xml`).
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.conf import settings

from mars.records import Refusal

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ACCEPTED = "Attach a PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file."
# The parts that say which Office Open XML document a zip is.
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


def size_label(size: int) -> str:
    """A file's size as people read it: 20 MB, 2.5 MB, 340 KB (as receipts say it)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


class PaperRefused(Refusal):
    """A file that is not a PDF, DOCX, XLSX or ODT, is damaged, or is too large."""


def _zip_type(upload: IO[bytes], field: str) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").strip() == ODT.encode():
                    return ODT
                raise PaperRefused(ACCEPTED, field=field)
            if "[Content_Types].xml" in names:
                found = [kind for part, kind in OOXML_MAIN_PARTS.items() if part in names]
                if len(found) == 1:
                    return found[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError) as error:
        raise PaperRefused("This file is incomplete or damaged.", field=field) from error
    raise PaperRefused(ACCEPTED, field=field)


def paper_type(upload: IO[bytes], *, size: int, field: str = "file") -> str:
    """The content type of a paper, from what it holds.

    Rules: PDF, DOCX, XLSX or ODT only; at most settings.STRATEGY_PAPER_MAX_BYTES; a PDF must
    end as a PDF does; a zip must open and say which of the three documents it is.
    """
    limit = settings.STRATEGY_PAPER_MAX_BYTES
    if size > limit:
        raise PaperRefused(
            f"The file is {size_label(size)}: the most is {size_label(limit)}.", field=field
        )
    if size == 0:
        raise PaperRefused("The file is empty.", field=field)
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        upload.seek(max(0, size - 2048))
        if b"%%EOF" not in upload.read():
            raise PaperRefused("This PDF is incomplete or damaged.", field=field)
        found = PDF
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_type(upload, field)
    else:
        raise PaperRefused(ACCEPTED, field=field)
    upload.seek(0)
    return found
