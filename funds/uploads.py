"""Receipts and invoices as uploaded: what a file really is, judged by its content."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from PIL import Image, UnidentifiedImageError

from mars import reads
from mars.downloads import private_download
from mars.records import Refusal

# The opening bytes of each accepted type, and the type it names.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class UploadRefused(Refusal):
    """A file that is not a PDF, JPEG or PNG, or is too large."""


def size_label(size: int) -> str:
    """A file's size as people read it: 10 MB, 2.5 MB, 340 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def document_type(upload: IO[bytes], *, size: int, field: str = "file") -> str:
    """The content type of a receipt or invoice, from what it holds (never from its name).

    Rules: PDF, JPEG or PNG only; at most settings.RECEIPT_MAX_BYTES; an image must open as the
    image it claims to be, and a PDF must end as a PDF does.
    """
    limit = settings.RECEIPT_MAX_BYTES
    if size > limit:
        raise UploadRefused(
            f"The file is {size_label(size)}: the most is {size_label(limit)}.", field=field
        )
    if size == 0:
        raise UploadRefused("The file is empty.", field=field)
    upload.seek(0)
    head = upload.read(16)
    found = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if found is None:
        raise UploadRefused("Attach a PDF, JPEG or PNG file.", field=field)
    if found == "application/pdf":
        upload.seek(max(0, size - 2048))
        if b"%%EOF" not in upload.read():
            raise UploadRefused("This PDF is incomplete or damaged.", field=field)
    else:
        upload.seek(0)
        try:
            with Image.open(upload) as image:
                if image.format != PIL_FORMATS[found]:
                    raise UploadRefused("Attach a PDF, JPEG or PNG file.", field=field)
                image.verify()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ) as error:
            raise UploadRefused("This image is incomplete or damaged.", field=field) from error
    upload.seek(0)
    return found


def as_download(receipt: Any) -> FileResponse:
    """A stored receipt, sent as a download (never shown inline) and never cached by others.
    Its person (none for property spend) is noted as read."""
    reads.note([receipt.request.client_id], "receipt download")
    return private_download(receipt.file, receipt.original_name, receipt.content_type)
