"""Private files sent to the one who asked: as a download, never shown inline, never cached."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from mars.private_s3 import PrivateS3Storage


def private_download(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """The file from whichever storage holds it: from an S3-compatible store it is passed on as
    it arrives (not first copied to this machine), so any web machine serves any file."""
    size = None
    if isinstance(file.storage, PrivateS3Storage):
        body, size = file.storage.open_stream(str(file.name))
    else:
        body = file.open("rb")
    response = FileResponse(body, as_attachment=True, filename=filename, content_type=content_type)
    if size is not None:
        response["Content-Length"] = str(size)
    response["Cache-Control"] = "private, no-store"
    return response
