"""An S3-compatible store for private files: no URL to hand out, and reads that stream."""

from __future__ import annotations

from typing import IO, Any

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """S3Storage that never makes a link to a file: receipts, report files and bundles are
    served only through the app's checked views (mars.downloads), which stream them."""

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        raise NotImplementedError(
            f"{name}: private files have no URL; serve them through a checked view "
            "(mars.downloads.private_download)."
        )

    def open_stream(self, name: str) -> tuple[IO[bytes], int]:
        """The stored file's body as the store sends it, read as it arrives, and its size."""
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except self.connection.meta.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(f"File does not exist: {name}") from error
        return answer["Body"], int(answer["ContentLength"])
