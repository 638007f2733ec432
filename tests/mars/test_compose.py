"""docker-compose.yml and the Dockerfile hold the production shape's start-up order and health.

There is no Docker engine where the tests run, so `docker compose config` cannot: the file is read
as compose reads it (YAML with merge keys) and checked here.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from mars.healthcheck import host_to_ask_for, main

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
LONG_RUNNING = ["web", "worker", "beat"]
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _health_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test[1:]) if isinstance(test, list) else test


def test_database_redis_web_and_worker_have_health_checks(services):
    assert "pg_isready" in _health_command(services["db"])
    assert "redis-cli ping" in _health_command(services["redis"])
    assert _health_command(services["web"]) == "python -m mars.healthcheck 8000"
    assert "inspect ping" in _health_command(services["worker"])
    for name, service in services.items():
        if "healthcheck" in service:
            check = service["healthcheck"]
            assert set(check) <= HEALTHCHECK_KEYS, name
            assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
            for key in ["interval", "timeout", "start_period"]:
                if key in check:
                    assert re.fullmatch(r"\d+(ms|s|m)", check[key]), (name, key)


def test_web_health_check_asks_for_the_health_endpoint():
    source = (ROOT / "mars" / "healthcheck.py").read_text()
    assert f'"http://127.0.0.1:{{port}}{reverse("healthz")}"' in source


def test_health_check_asks_for_a_host_the_site_serves():
    assert host_to_ask_for("mars.example.org,www.example.org") == "mars.example.org"
    assert host_to_ask_for(" .example.org") == "example.org"
    assert host_to_ask_for("*") == "localhost"
    assert host_to_ask_for("") == "localhost"


@pytest.mark.django_db(transaction=True)
def test_health_check_passes_on_a_live_server_and_fails_where_none_answers(
    live_server, monkeypatch, capsys
):
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost")
    assert main(["healthcheck", live_server.url.rsplit(":", 1)[1]]) == 0
    assert '"database": "ok"' in capsys.readouterr().out
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        unused = probe.getsockname()[1]
    assert main(["healthcheck", str(unused)]) == 1


def test_web_worker_and_beat_wait_for_migrations_and_healthy_services(services):
    for name in LONG_RUNNING:
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name


def test_migrate_runs_once_after_the_database_is_healthy(services):
    migrate = services["migrate"]
    assert migrate["command"] == "python manage.py migrate --noinput"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_every_dependency_is_a_service_that_can_meet_its_condition(services):
    for name, service in services.items():
        for needed, rule in (service.get("depends_on") or {}).items():
            assert needed in services, (name, needed)
            assert rule["condition"] in CONDITIONS, (name, needed)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], (name, needed)
            if rule["condition"] == "service_completed_successfully":
                assert services[needed].get("restart") == "no", (name, needed)


def test_app_services_share_the_production_environment(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        # Required: compose refuses to start with any of these unset (${VAR:?message}).
        for variable in ["SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"]:
            assert environment[variable].startswith(f"${{{variable}:?"), (name, variable)
        assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"], name
        assert environment["DATABASE_URL"].endswith("@db:5432/mars"), name
        assert environment["REDIS_URL"].startswith("redis://redis:6379/"), name
        # Debug stays off (its default): no service turns it, or two-factor, off.
        assert "DJANGO_DEBUG" not in environment and "MARS_REQUIRE_2FA" not in environment, name
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_media_volume_is_mounted_where_the_app_keeps_uploads(compose, services):
    assert "media" in compose["volumes"] and "pgdata" in compose["volumes"]
    for name in APP_SERVICES:
        media_root = services[name]["environment"]["MEDIA_ROOT"]
        assert f"media:{media_root}" in services[name]["volumes"], name


def test_image_makes_the_media_folder_the_app_users_own(services):
    """A new named volume copies the owner of the folder it is mounted on: the image must make
    that folder, owned by the user the app runs as, or uploads fail with permission denied."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] != "root"
    user = users[-1]
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    made = [line for line in dockerfile.splitlines() if line.startswith("RUN ")]
    assert any(
        re.search(rf"mkdir -p [^&]*{re.escape(media_root)}\b", line)
        and re.search(rf"chown (-R )?{user}(:\S+)? [^&]*{re.escape(media_root)}\b", line)
        for line in made
    ), f"no RUN line makes {media_root} and gives it to {user}"
    assert dockerfile.index(f"USER {user}") > dockerfile.index(f"useradd --create-home {user}")
