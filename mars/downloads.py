"""Private files sent to the one who asked: as a download, never shown inline, never cached."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_download(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
