"""Test settings: the app's one settings module, with the environment a test run needs."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_SECURE_HTTPS", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
# Without DATABASE_URL the tests use the embedded PostgreSQL under var/, which mars.settings
# refuses to start with debug off unless asked for by name.
os.environ.setdefault("DJANGO_EMBEDDED_DB", "1")
# Uploaded files from tests go to a throwaway folder, never into var/.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="mars-test-media-"))

from mars.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test's own process (and transaction), even where CI has a Redis: a test
# asserts what a task does, not that a worker is listening.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Rate limits count in the cache: a private one per test run, never the machine's Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
