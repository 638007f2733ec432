"""Where uploaded and made files are kept: one STORAGE_URL for every web and worker process.

Unset, files go on the local disk under MEDIA_ROOT (one machine). `s3://BUCKET/PREFIX?...` puts
them in an S3-compatible store that every machine shares, so a receipt uploaded through one web
machine is served by another, and a report file a worker makes is read by any web machine.

Each private storage has a folder of its own under the prefix (or MEDIA_ROOT): `receipts/`,
`reports/`, `imports/` and `default/`. The layout is the same on disk and in a bucket, so a
backup's `media.tar.gz` unpacks into either.

Credentials never go in the URL: a secret in a URL is printed wherever the URL is (start-up
errors, `ps`, a copied .env), must be percent-escaped (AWS secrets hold "/" and "+"), and would
shut out instance roles and rotated keys. They come from boto3's usual chain instead:
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, a profile, or the machine's role.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# The private storages: nothing in them has a public URL; a checked view serves each file.
PRIVATE = ("default", "receipts", "reports", "imports")
S3_BACKEND = "mars.private_s3.PrivateS3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
EXAMPLE = "s3://BUCKET/PREFIX?endpoint_url=https://s3.example.org&region=eu-west-2"
OPTIONS = {
    "endpoint_url": "the store's address, for a store other than AWS (MinIO, Ceph...)",
    "region": "the bucket's region, e.g. eu-west-2",
    "addressing_style": "path, virtual or auto (MinIO usually needs path)",
}
ADDRESSING_STYLES = ("path", "virtual", "auto")
# S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# A file larger than this, read from the store, waits in a temporary file rather than in memory.
MAX_MEMORY_BYTES = 8 * 1024 * 1024


def _refuse(problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"STORAGE_URL {problem}. Expected {EXAMPLE} (every option optional), or unset for the "
        "local disk under MEDIA_ROOT."
    )


def _options(query: str) -> dict[str, str]:
    try:
        given = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as error:
        raise _refuse(f"has a query that cannot be read ({query!r})") from error
    unknown = sorted(set(given) - set(OPTIONS))
    if unknown:
        known = "; ".join(f"{name}: {meaning}" for name, meaning in OPTIONS.items())
        raise _refuse(f"has an option MARS does not know ({', '.join(unknown)}); it knows {known}")
    repeated = sorted(name for name, values in given.items() if len(values) > 1)
    if repeated:
        raise _refuse(f"gives {', '.join(repeated)} more than once")
    options = {name: values[0] for name, values in given.items()}
    endpoint = options.get("endpoint_url")
    if endpoint is not None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _refuse(f"has endpoint_url {endpoint!r}: it must be an http:// or https:// URL")
    style = options.get("addressing_style")
    if style is not None and style not in ADDRESSING_STYLES:
        raise _refuse(
            f"has addressing_style {style!r}: it is one of {', '.join(ADDRESSING_STYLES)}"
        )
    if options.get("region") == "":
        raise _refuse("has an empty region")
    return options


def parse(url: str) -> tuple[str, str, dict[str, str]]:
    """The bucket, the prefix (no slashes at either end, may be empty) and the options of an
    `s3://` STORAGE_URL; ImproperlyConfigured saying what is wrong with any other."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise _refuse(f"must start with s3:// ({url.split('://')[0]!r} is not a store MARS knows)")
    # Before the query, not just the host: a secret holding "/" (AWS secrets may) ends the host
    # part early and leaves the "@" in the path.
    if "@" in url.split("?", 1)[0]:
        raise _refuse(
            "holds credentials: give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
            "environment (or a profile, or the machine's role), never in the URL"
        )
    bucket = parts.netloc
    if not BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise _refuse(
            f"names the bucket {bucket!r}: a bucket name is 3 to 63 lowercase letters, digits, "
            "dots and hyphens (the store's address goes in endpoint_url)"
        )
    if parts.fragment:
        raise _refuse("has a #fragment")
    segments = [segment for segment in parts.path.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        raise _refuse(f"has the prefix {parts.path!r}: no . or .. in it")
    return bucket, "/".join(segments), _options(parts.query)


def storages_for(url: str, media_root: Path) -> dict[str, dict[str, Any]]:
    """Django's STORAGES entries for the private storages: in the S3-compatible store STORAGE_URL
    names, or on the local disk under media_root when it is empty."""
    if not url:
        return {
            alias: {
                "BACKEND": LOCAL_BACKEND,
                "OPTIONS": {"location": media_root / alias, "base_url": "/no-public-url/"},
            }
            for alias in PRIVATE
        }
    bucket, prefix, options = parse(url)
    return {
        alias: {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                "bucket_name": bucket,
                "location": f"{prefix}/{alias}" if prefix else alias,
                "endpoint_url": options.get("endpoint_url"),
                "region_name": options.get("region"),
                "addressing_style": options.get("addressing_style"),
                # No ACL is sent: each object is as private as the bucket, never public-read.
                "default_acl": None,
                "querystring_auth": True,
                # A name already taken gets a new one, as on disk: no file replaces another.
                "file_overwrite": False,
                "max_memory_size": MAX_MEMORY_BYTES,
            },
        }
        for alias in PRIVATE
    }
