"""Receipts and invoices as uploaded: what a file really is, judged by its content."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from PIL import Image, UnidentifiedImageError

from mars import reads
from mars.downloads import private_download
from mars.records import Refusal
from mars.uploads import PDF, PDF_SIGNATURE, check_pdf_end, check_size

# The opening bytes of each accepted type, and the type it names.
SIGNATURES = [
    (PDF_SIGNATURE, PDF),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class UploadRefused(Refusal):
    """A file that is not a PDF, JPEG or PNG, or is too large."""


def document_type(upload: IO[bytes], *, size: int, field: str = "file") -> str:
    """The content type of a receipt or invoice, from what it holds (never from its name).

    Rules: PDF, JPEG or PNG only; at most settings.RECEIPT_MAX_BYTES; an image must open as the
    image it claims to be, and a PDF must end as a PDF does.
    """
    check_size(size, limit=settings.RECEIPT_MAX_BYTES, refusal=UploadRefused, field=field)
    upload.seek(0)
    head = upload.read(16)
    found = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if found is None:
        raise UploadRefused("Attach a PDF, JPEG or PNG file.", field=field)
    if found == PDF:
        check_pdf_end(upload, size=size, refusal=UploadRefused, field=field)
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
