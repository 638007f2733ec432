"""Uploaded files judged by their content: the checks every kind of upload shares (receipts in
funds, the Strategy Group's papers). Each kind says which types it takes and refuses with its own
Refusal; the size, emptiness and PDF checks are written once, here."""

from __future__ import annotations

from typing import IO

from mars.records import Refusal

PDF = "application/pdf"
PDF_SIGNATURE = b"%PDF-"
# A complete PDF ends with %%EOF; writers may add a little after it (a newline, an update).
PDF_TAIL_BYTES = 2048


def size_label(size: int) -> str:
    """A file's size as people read it: 10 MB, 2.5 MB, 340 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def check_size(size: int, *, limit: int, refusal: type[Refusal], field: str = "file") -> None:
    """Refuse a file over its kind's limit (saying both sizes) or an empty one."""
    if size > limit:
        raise refusal(
            f"The file is {size_label(size)}: the most is {size_label(limit)}.", field=field
        )
    if size == 0:
        raise refusal("The file is empty.", field=field)


def is_pdf(head: bytes) -> bool:
    """Whether a file's opening bytes are a PDF's."""
    return head.startswith(PDF_SIGNATURE)


def check_pdf_end(
    upload: IO[bytes], *, size: int, refusal: type[Refusal], field: str = "file"
) -> None:
    """Refuse a PDF that does not end as a PDF does (cut short, or damaged)."""
    upload.seek(max(0, size - PDF_TAIL_BYTES))
    if b"%%EOF" not in upload.read():
        raise refusal("This PDF is incomplete or damaged.", field=field)
