"""STORAGE_URL (issue 22, item 6): one setting says where every process keeps its files; a
malformed one stops the app at start-up, saying what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mars import file_store

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = {"default", "receipts", "reports", "imports"}


def test_unset_keeps_each_private_storage_in_a_folder_of_its_own_on_disk(tmp_path: Path) -> None:
    found = file_store.storages_for("", tmp_path)
    assert set(found) == PRIVATE
    for alias, entry in found.items():
        assert entry["BACKEND"] == "django.core.files.storage.FileSystemStorage"
        assert entry["OPTIONS"] == {"location": tmp_path / alias, "base_url": "/no-public-url/"}


def test_an_s3_url_gives_each_private_storage_its_own_prefix_in_one_bucket(tmp_path: Path) -> None:
    url = "s3://mars-files/city/live/?endpoint_url=http://127.0.0.1:9000&region=eu-west-2"
    found = file_store.storages_for(url, tmp_path)
    assert set(found) == PRIVATE
    for alias, entry in found.items():
        options = entry["OPTIONS"]
        assert entry["BACKEND"] == "mars.private_s3.PrivateS3Storage"
        assert options["bucket_name"] == "mars-files"
        assert options["location"] == f"city/live/{alias}"
        assert options["endpoint_url"] == "http://127.0.0.1:9000"
        assert options["region_name"] == "eu-west-2"
        assert options["addressing_style"] is None
        # Private: no ACL sent (the bucket's own), no file replaced by another of the same name.
        assert options["default_acl"] is None
        assert options["file_overwrite"] is False
        assert "access_key" not in options and "secret_key" not in options


def test_an_s3_url_without_a_prefix_or_options_uses_the_storage_names_at_the_top() -> None:
    found = file_store.storages_for("s3://mars-files", Path("/unused"))
    assert found["receipts"]["OPTIONS"]["location"] == "receipts"
    assert found["receipts"]["OPTIONS"]["endpoint_url"] is None
    assert file_store.parse("s3://mars.files.example/?addressing_style=path") == (
        "mars.files.example",
        "",
        {"addressing_style": "path"},
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://mars-files/prefix", "must start with s3://"),
        ("mars-files/prefix", "must start with s3://"),
        ("s3://AKIAEXAMPLE:wJalrXUtn/K7MDENG@mars-files/prefix", "holds credentials"),
        ("s3://Mars_Files/prefix", "names the bucket 'Mars_Files'"),
        ("s3://mars-files:9000/prefix", "the store's address goes in endpoint_url"),
        ("s3:///prefix", "names the bucket ''"),
        ("s3://mars-files/a/../b", "no . or .. in it"),
        ("s3://mars-files/p?endpoint=http://x", "an option MARS does not know (endpoint)"),
        ("s3://mars-files/p?endpoint_url=127.0.0.1:9000", "it must be an http:// or https://"),
        ("s3://mars-files/p?addressing_style=sideways", "it is one of path, virtual, auto"),
        ("s3://mars-files/p?region=eu-west-2&region=eu-west-1", "gives region more than once"),
        ("s3://mars-files/p?region=", "has an empty region"),
        ("s3://mars-files/p?region", "has a query that cannot be read"),
    ],
)
def test_a_malformed_url_is_refused_saying_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        file_store.storages_for(url, Path("/unused"))
    message = str(refused.value)
    assert message.startswith("STORAGE_URL ")
    assert says in message
    assert "s3://BUCKET/PREFIX?endpoint_url=" in message  # the shape it should have
    assert "wJalrXUtn" not in message  # a secret given by mistake is never printed


def start_up(storage_url: str) -> subprocess.CompletedProcess[str]:
    """A new process loading the app's own settings (mars.settings), as web and workers do."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mars.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "start-up-test-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/never_connected",
        "STORAGE_URL": storage_url,
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; "
        "print(type(storages['reports']).__name__, storages['reports'].location)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_the_app_refuses_to_start_with_a_malformed_storage_url() -> None:
    started = start_up("ftp://files.example.org/mars")
    assert started.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: STORAGE_URL must start with s3:// "
        "('ftp' is not a store MARS knows)"
    ) in started.stderr


def test_the_app_starts_with_its_files_in_the_bucket_a_good_url_names() -> None:
    started = start_up("s3://mars-files/city?region=eu-west-2")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "PrivateS3Storage city/reports"
