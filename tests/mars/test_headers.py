import logging
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from mars.roles import Role

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_not_kept_by_any_cache(as_role, sam):
    client = as_role(Role.SUPPORT)
    for url in (reverse("home"), reverse("clients:detail", args=[sam.pk]), "/api/clients/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


def test_content_security_policy_allows_no_base_objects_framing_or_foreign_forms(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_mail_to_the_log_with_debug_off_is_a_check_error(backend):
    with (
        override_settings(DEBUG=False, EMAIL_BACKEND=backend),
        pytest.raises(SystemCheckError, match=r"mars\.E001"),
    ):
        call_command("check")


def test_mail_to_a_server_passes_the_check():
    with override_settings(
        DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    ):
        call_command("check")


def test_the_server_refuses_to_start_with_mail_to_the_log():
    from mars.checks import refuse_to_start_on_errors

    with (
        override_settings(
            DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
        ),
        pytest.raises(SystemCheckError, match=r"mars\.E001"),
    ):
        refuse_to_start_on_errors()


@pytest.fixture
def server_log():
    """What the app's configured log handlers write, as they would write it."""
    import io

    stream = io.StringIO()
    handlers = logging.getLogger().handlers + logging.getLogger("django").handlers
    handlers = list({h for h in handlers if isinstance(h, logging.StreamHandler)})
    assert handlers, "the app's LOGGING has no stream handler"
    olds = [h.setStream(stream) for h in handlers]
    levels = {name: logging.getLogger(name).level for name in ("", "django", "django.server")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for handler, old in zip(handlers, olds, strict=True):
        handler.setStream(old)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_password_reset_links_are_never_written_to_the_log(
    client, make_user, server_log, django_capture_on_commit_callbacks
):
    make_user(Role.SUPPORT, email="support@mars.example")
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent through the outbox
        client.post(reverse("password_reset"), {"email": "support@mars.example"})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    _uid, token = link.rstrip("/").split("/")[-2:]
    # Follow it as a person would, and as the development server would log each request.
    page = client.get(link, follow=True)
    logging.getLogger("django.server").info('"GET %s HTTP/1.1" 302 0', link)
    logging.getLogger("django.request").warning("Not Found: %s", link)
    new = "granite-harbour-lantern-42"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    written = server_log.getvalue()
    assert "/reset/[redacted]/" in written
    assert token not in written


def test_downloads_are_not_kept_by_any_cache():
    from django.http import FileResponse, HttpRequest, HttpResponse

    from mars.middleware import PrivateResponses

    anonymous = HttpRequest()
    csv = HttpResponse("a,b", headers={"Content-Disposition": 'attachment; filename="x.csv"'})
    csv["Cache-Control"] = "public, max-age=600"
    assert PrivateResponses(lambda r: csv)(anonymous)["Cache-Control"] == "no-store, private"
    import io

    file = FileResponse(io.BytesIO(b"%PDF"), filename="x.pdf")
    assert PrivateResponses(lambda r: file)(anonymous)["Cache-Control"] == "no-store, private"
    page = HttpResponse("hello")
    assert "Cache-Control" not in PrivateResponses(lambda r: page)(anonymous)


def test_api_answers_to_a_token_are_not_kept_by_any_cache(client, make_user):
    from knox.models import AuthToken

    _, key = AuthToken.objects.create(make_user(Role.SUPPORT))
    response = client.get("/api/clients/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
