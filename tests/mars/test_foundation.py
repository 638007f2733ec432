import json
import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from clients.models import Client
from mars.roles import Role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_role_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_roles_hold_their_abilities():
    coordinator = Group.objects.get(name=Role.COORDINATOR)
    assert coordinator.permissions.filter(codename="merge_client").exists()
    # A commissioner downloads published reports and nothing else.
    assert list(
        Group.objects.get(name=Role.COMMISSIONER).permissions.values_list("codename", flat=True)
    ) == ["view_published_reportrun"]
    assert (
        not Group.objects.get(name=Role.ADMINISTRATOR)
        .permissions.filter(codename="view_client")
        .exists()
    )


def test_healthz_reports_the_database_and_nothing_secret(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "password" not in response.text.lower() and "postgres" not in response.text.lower()


def test_healthz_stays_healthy_with_the_broker_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get(reverse("healthz"))
    # Pages work without Redis (the outbox keeps the jobs): a load balancer must not drop them.
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "unavailable"}


def test_pages_send_security_headers_and_a_strict_csp(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client, make_user, sam):
    client.force_login(make_user(Role.COORDINATOR))
    for url in [
        reverse("home"),
        reverse("clients:list"),
        sam.get_absolute_url(),
        reverse("clients:create"),
    ]:
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and "<style" not in html, url


def test_not_found_page_reveals_nothing_internal(client, make_user):
    client.force_login(make_user(Role.SUPPORT))
    response = client.get("/people/999999/")
    assert response.status_code == 404
    assert "Traceback" not in response.text and "urlpatterns" not in response.text
    assert "Page not found" in response.text


def _without_test_settings(environ):
    """The environment of a production process: none of the test run's Django settings."""
    return {k: v for k, v in environ.items() if not k.startswith("DJANGO_") and k != "SECRET_KEY"}


def test_deploy_check_is_clean_with_production_settings():
    env = {
        **_without_test_settings(os.environ),
        "DJANGO_SETTINGS_MODULE": "mars.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mars.example.org",
        "DJANGO_SECURE_HTTPS": "1",
        "DJANGO_STATIC_MANIFEST": "1",
        "EMAIL_URL": "smtp+tls://mars:secret@smtp.example.org:587",
        # The check does not connect; production refuses to start without one (below).
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://check@127.0.0.1:5432/none"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _without_test_settings(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "mars.settings", "DJANGO_DEBUG": "0"})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_database_url(tmp_path):
    env = {k: v for k, v in _without_test_settings(os.environ).items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mars.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "EMAIL_URL": "smtp+tls://mars:secret@smtp.example.org:587",
            # Where an embedded server would be made if the settings still started one.
            "MARS_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be set when DJANGO_DEBUG is off" in (
        result.stderr
    )
    assert not (tmp_path / "pgdata").exists()


def test_demo_data_is_refused_in_production():
    with pytest.raises(CommandError, match="only loaded with DJANGO_DEBUG=1"):
        call_command("load_demo")


def test_demo_data_loads_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    people = Client.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    # About forty people to try things with, the RSDF return's own cases (long-term, leaving
    # prison, back from a tenancy, a gap), and a year's history behind the reports.
    assert 38 <= Client.objects.exclude(external_ref__startswith="HIST-").count() <= 55
    assert 40 <= Client.objects.filter(external_ref__startswith="HIST-").count() <= 110
    assert Client.objects.count() == people
    assert "added 0 users, 0 agencies, 0 people" in out.getvalue()
    assert {
        u
        for u in Group.objects.get(name=Role.COORDINATOR).user_set.values_list(
            "username", flat=True
        )
    } == {"coordinator"}


def test_demo_people_have_aliases_plans_referrals_and_health_access(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    from clients.models import ClientAlias, HealthAccess, Referral, SupportPlan

    assert ClientAlias.objects.exists() and SupportPlan.objects.exists()
    assert Referral.objects.exists() and HealthAccess.objects.exists()
    assert Client.objects.exclude(key_worker=None).exists()
    assert json.dumps(list(Client.objects.values_list("support_needs", flat=True)))


def test_demo_people_with_a_gp_registration_are_registered_with_a_gp(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    registered = Client.objects.filter(health_access__kind="gp_registration").distinct()
    assert registered.exists()
    assert not registered.filter(gp_registered=False).exists()
