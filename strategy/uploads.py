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
from mars.uploads import PDF, check_pdf_end, check_size, is_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ACCEPTED = "Attach a PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file."
# The parts that say which Office Open XML document a zip is.
OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


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
    check_size(size, limit=settings.STRATEGY_PAPER_MAX_BYTES, refusal=PaperRefused, field=field)
    upload.seek(0)
    head = upload.read(8)
    if is_pdf(head):
        check_pdf_end(upload, size=size, refusal=PaperRefused, field=field)
        found = PDF
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_type(upload, field)
    else:
        raise PaperRefused(ACCEPTED, field=field)
    upload.seek(0)
    return found
