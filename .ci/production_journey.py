#!/usr/bin/env python3
"""The production shape, run for real: gunicorn, a Celery worker and beat with debug off, then a
person's journey over HTTP.

Run by .ci/run after the tests (`make journey`). It needs the machine's PostgreSQL (DATABASE_URL's
server, else 127.0.0.1:5432; it makes its own database, mars_prodshape) and Redis (REDIS_URL's
server, else 127.0.0.1:6379; database 13, emptied first). It starts a local mail server for
EMAIL_URL, migrates, collects the static files with the manifest storage, starts the processes as
the Dockerfile and docker-compose.yml do, and then, as a browser behind the TLS proxy would
(X-Forwarded-Proto: https, a cookie session, CSRF tokens from the forms): signs in with a password
and an authenticator code, logs a contact, asks for a payment, starts a report run, waits for its
PDF and downloads it. Exits non-zero on any failure; every process it started is stopped at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "mars_prodshape"
REDIS_DB = 13
USERNAME = "journey.coordinator"
START_SECONDS = 90
REPORT_SECONDS = 120
STARTED = time.monotonic()


class JourneyFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[journey {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(condition: object, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def authenticator_code(key_hex: str, at: float) -> str:
    """RFC 6238, as the person's authenticator app computes it (SHA-1, 30 s, 6 digits)."""
    counter = struct.pack(">Q", int(at // 30))
    mac = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# The processes -------------------------------------------------------------------------------


class Processes:
    """What the journey started, each in its own process group so that its children stop too."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = (process, log)
        say(f"started {name} (pid {process.pid}): {shlex.join(argv[1:])}")

    def check_alive(self) -> None:
        for name, (process, _) in self.running.items():
            if process.poll() is not None:
                raise JourneyFailed(f"{name} exited with {process.returncode}")

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self) -> None:
        for process, _ in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, (process, log) in self.running.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop on SIGTERM: killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            else:
                # Children left behind in the group (a pool process) go too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            log.close()
            say(f"stopped {name} ({process.returncode})")


def run(argv: list[str], env: dict[str, str], what: str) -> str:
    say(what)
    result = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        raise JourneyFailed(f"{what}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_together(commands: dict[str, list[str]], env: dict[str, str]) -> None:
    say(f"{' and '.join(commands)}, side by side")
    started = {
        name: subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for name, argv in commands.items()
    }
    failures = []
    for name, process in started.items():
        output, _ = process.communicate(timeout=300)
        say(f"{name} finished ({process.returncode})")
        if process.returncode != 0:
            failures.append(f"{name}: exit {process.returncode}\n{output}")
    check(not failures, "\n".join(failures))


def as_module(argv: list[str]) -> list[str]:
    """A console script (gunicorn, celery, python) run with this interpreter from the checkout,
    so the code under test is this tree's whatever the virtualenv was installed from."""
    program, *rest = argv
    if program == "python":
        return [sys.executable, *rest]
    return [sys.executable, "-m", program, *rest]


def dockerfile_command() -> list[str]:
    """The web process exactly as the image starts it (its CMD)."""
    text = (ROOT / "Dockerfile").read_text()
    found = re.findall(r"^CMD\s+(\[.*\])\s*$", text, re.MULTILINE)
    check(found, "the Dockerfile has no CMD")
    return list(json.loads(found[-1]))


def compose_command(service: str) -> list[str]:
    """A service's command from docker-compose.yml (the worker and beat)."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return shlex.split(services[service]["command"])


# The database, Redis and mail ----------------------------------------------------------------


def fresh_database(server_url: str) -> str:
    import psycopg

    with psycopg.connect(with_path(server_url, "/postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return with_path(server_url, f"/{DATABASE_NAME}")


def drop_database(server_url: str) -> None:
    import psycopg

    with psycopg.connect(with_path(server_url, "/postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def fresh_redis(server_url: str) -> str:
    import redis

    url = with_path(server_url, f"/{REDIS_DB}")
    # Only this database number: the machine's Redis is shared.
    redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()
    return url


# A browser behind the TLS proxy -----------------------------------------------------------------


class FormParser(HTMLParser):
    """The forms of a page and what a browser would send from each as it stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: dict[str, Any] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attributes}
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action", ""), "method": attrs.get("method", "get").lower()}
                | {"fields": [], "names": set()}
            )
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            form["names"].add(name)
            kind = attrs.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                form["fields"].append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            form["names"].add(name)
            self._select = {
                "name": name,
                "first": None,
                "chosen": [],
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            form["names"].add(name)
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self.forms:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self.forms[-1]["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, url: str):
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Browser:
    """One person's browser, reaching gunicorn through a TLS-terminating proxy: requests carry
    X-Forwarded-Proto: https, so the app sees https (secure cookies, HSTS, no redirect)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.cookie_flags: dict[str, str] = {}
        self.referer = self.origin + "/"

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "mars-production-journey",
            "Referer": self.referer,
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            sent["Origin"] = self.origin
        sent.update({key.replace("_", "-"): value for key, value in headers.items()})
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
                self.cookie_flags[name] = header
        return Response(answer.status, answer.headers, data, path)

    def get(self, path: str, *, follow: bool = True) -> Response:
        response = self.request("GET", path)
        hops = 0
        while follow and response.status in {301, 302, 303} and hops < 5:
            path = self._local(response.headers["Location"], path)
            response = self.request("GET", path)
            hops += 1
        if response.status == 200 and "html" in response.headers.get("Content-Type", ""):
            self.referer = self.origin + path
        return response

    def _local(self, location: str, base: str) -> str:
        absolute = urljoin(self.origin + base, location)
        parts = urlsplit(absolute)
        check(
            parts.netloc == f"127.0.0.1:{self.port}" and parts.scheme == "https",
            f"redirected off the site: {location}",
        )
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def form(self, page: Response, having: str) -> dict[str, Any]:
        parser = FormParser()
        parser.feed(page.text)
        forms = [form for form in parser.forms if having in form["names"]]
        check(forms, f"no form with {having!r} on {page.url}")
        return forms[0]

    def submit(self, page: Response, having: str, values: dict[str, str | list[str]]) -> Response:
        """Fill in the form on the page that has the field `having` and send it, as a person
        presses its button; returns the answer (a redirect when the form was accepted)."""
        form = self.form(page, having)
        missing = set(values) - form["names"]
        check(not missing, f"the form on {page.url} has no field {sorted(missing)}")
        fields = [(name, value) for name, value in form["fields"] if name not in values]
        for name, value in values.items():
            fields += [(name, one) for one in value] if isinstance(value, list) else [(name, value)]
        action = self._local(form["action"] or page.url, page.url)
        return self.request(
            form["method"].upper(),
            action,
            urlencode(fields).encode(),
            Content_Type="application/x-www-form-urlencoded",
        )

    def accepted(self, answer: Response, what: str) -> str:
        """The page a successful form sends the person to; the form's errors otherwise."""
        if answer.status in {302, 303}:
            return self._local(answer.headers["Location"], answer.url)
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', answer.text, re.DOTALL)
        raise JourneyFailed(f"{what}: answered {answer.status}, errors: {errors[:5]}")


# The journey -----------------------------------------------------------------------------------

SETUP = """
import json, os
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.services import create_client
from funds.models import Fund, FundKind
from funds.services import save_fund
from mars.dates import financial_year
from mars.roles import Role

user = User.objects.create_user(
    os.environ["JOURNEY_USERNAME"], email="journey@example.org",
    password=os.environ["JOURNEY_PASSWORD"], first_name="Jo", last_name="Journey",
)
user.groups.add(Group.objects.get(name=Role.COORDINATOR))
TOTPDevice.objects.create(user=user, name="Phone", key=os.environ["JOURNEY_KEY"], confirmed=True)
person = create_client(
    {"first_name": "Sam", "last_name": "Journey", "date_of_birth": date(1980, 5, 17)},
    by=user, confirmed_distinct=True,
)
fund = save_fund(Fund(
    name="Journey personal budget", kind=FundKind.PERSONAL_BUDGET,
    year=financial_year(timezone.localdate()), budget=Decimal("1000.00"),
    approval_threshold=Decimal("250.00"),
), by=user)
print(json.dumps({"person": person.pk, "fund": fund.pk}))
"""


def sign_in(browser: Browser, password: str, key_hex: str) -> None:
    page = browser.get("/")
    check(
        page.status == 200 and "/accounts/login/" in page.url,
        f"/ did not ask to sign in: {page.url}",
    )
    hashed = re.findall(r'(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page.text)
    check(hashed, "the sign-in page links no hashed static file (manifest storage)")
    asset = browser.request("GET", hashed[0])
    check(asset.status == 200, f"{hashed[0]}: {asset.status}")
    say(f"sign-in page served with hashed static files ({hashed[0]}: {len(asset.body)} bytes)")

    answer = browser.submit(page, "username", {"username": USERNAME, "password": password})
    page = browser.get(browser.accepted(answer, "password"))
    check("code" in browser.form(page, "code")["names"], "no authenticator code asked for")
    check("Secure" in browser.cookie_flags.get("sessionid", ""), "the session cookie is not Secure")
    check("HttpOnly" in browser.cookie_flags["sessionid"], "the session cookie is not HttpOnly")
    say("password accepted; the second factor is asked for (session cookie Secure, HttpOnly)")

    answer = browser.submit(page, "code", {"code": authenticator_code(key_hex, time.time())})
    home = browser.get(browser.accepted(answer, "authenticator code"))
    check(home.status == 200 and "Sign out" in home.text, f"not signed in: {home.url}")
    check("max-age=31536000" in home.headers.get("Strict-Transport-Security", ""), "no HSTS")
    say(f"signed in with both factors; home page {home.url} (HSTS on)")


def log_contact(browser: Browser, person: int) -> None:
    page = browser.get(f"/outreach/contacts/new/?client={person}")
    check(page.status == 200, f"contact form: {page.status}")
    form = browser.form(page, "at")
    values: dict[str, str | list[str]] = {"notes": "Seen by the journey; offered a hot drink."}
    for name in ("kind", "verification", "engagement"):
        if name in form["names"] and not any(field == name for field, _ in form["fields"]):
            options = re.findall(rf'name="{name}" value="([^"]+)"', page.text)
            values[name] = options[0]
    answer = browser.submit(page, "at", values)
    browser.accepted(answer, "log a contact")
    listed = browser.get(f"/api/contacts/?client={person}")
    check(
        listed.status == 200 and listed.json()["count"] == 1,
        f"contact not listed: {listed.text[:300]}",
    )
    say(f"contact logged (contact {listed.json()['results'][0]['id']})")


def phone_sends_twice(browser: Browser, person: int) -> None:
    """What an outreach phone does with a queued contact: picks the person from its list, then
    sends the contact as JSON with the key it made, twice (the first answer lost on the way)."""
    listed = browser.get("/api/outreach/people-for-phone/")
    check(
        listed.status == 200 and person in [p["id"] for p in listed.json()["people"]],
        f"the phone's list: {listed.status} {listed.text[:300]}",
    )
    body = json.dumps(
        {"client": person, "kind": "street_outreach", "at": datetime.now(UTC).isoformat()}
    ).encode()
    key = uuid.uuid4().hex
    answers = [
        browser.request(
            "POST",
            "/api/contacts/",
            body,
            Content_Type="application/json",
            Idempotency_Key=key,
            X_CSRFToken=browser.cookies.get("csrftoken", ""),
        )
        for _ in range(2)
    ]
    check(
        [a.status for a in answers] == [201, 201]
        and answers[1].headers.get("Idempotent-Replayed") == "true",
        f"the phone's contact: {[(a.status, a.text[:200]) for a in answers]}",
    )
    contacts = browser.get(f"/api/contacts/?client={person}").json()["count"]
    check(contacts == 2, f"sent twice with one key, {contacts - 1} contacts made")
    say("a phone's queued contact sent twice with its key: saved once")


def ask_for_payment(browser: Browser, person: int, fund: int) -> None:
    page = browser.get(f"/funds/people/{person}/requests/new/")
    check(page.status == 200, f"payment form: {page.status}")
    needed_by = (date.today() + timedelta(days=7)).isoformat()
    answer = browser.submit(
        page,
        "amount",
        {
            "fund": str(fund),
            "amount": "42.50",
            "payee": "Journey Clothing Ltd",
            "purpose": "Boots and a coat for a job interview",
            "needed_by": needed_by,
        },
    )
    detail = browser.get(browser.accepted(answer, "ask for a payment"))
    check(detail.status == 200 and "42.50" in detail.text, f"payment request page: {detail.url}")
    say(f"payment asked for: {detail.url}")


def report_pdf(browser: Browser, processes: Processes) -> None:
    today = date.today()
    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page = browser.get("/reports/runs/")
    check(page.status == 200, f"report runs page: {page.status}")
    answer = browser.submit(page, "period", {"period": period})
    run_page = browser.accepted(answer, "start a report run")
    run_id = int(re.findall(r"/reports/runs/(\d+)/", run_page)[0])
    say(f"report run {run_id} for {period} started; waiting for its PDF")
    deadline = time.monotonic() + REPORT_SECONDS
    state = ""
    while True:
        processes.check_alive()
        run = browser.get(f"/api/report-runs/{run_id}/").json()
        if run["state"] != state:
            state = run["state"]
            say(f"run {run_id}: {state} {run.get('step') or ''} {run.get('progress')}%")
        if state == "done":
            break
        check(state != "failed", f"run {run_id} failed: {run.get('error')}")
        check(time.monotonic() < deadline, f"run {run_id} not done within {REPORT_SECONDS}s")
        time.sleep(1)
    pdf = browser.get(f"/reports/runs/{run_id}/pdf/")
    check(pdf.status == 200, f"PDF download: {pdf.status}")
    kind = pdf.headers.get("Content-Type", "")
    check(kind == "application/pdf", f"the download is {kind}, not application/pdf")
    check(pdf.body.startswith(b"%PDF-"), "the download is not a PDF")
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf.body)).pages)
    check(pages >= 1, "the PDF has no pages")
    say(f"report PDF downloaded: {len(pdf.body)} bytes, {pages} pages")


def password_reset_mail(port: int, processes: Processes) -> None:
    """Mail really leaves through EMAIL_URL: a password reset reaches the mail server."""
    stranger = Browser(port)
    page = stranger.get("/accounts/password_reset/")
    answer = stranger.submit(page, "email", {"email": "journey@example.org"})
    stranger.accepted(answer, "ask for a password reset")
    wait_for(
        "password-reset email at the mail server",
        lambda: "journey@example.org" in processes.tail("mail", 400),
        processes,
    )
    received = processes.tail("mail", 10_000).count("---------- MESSAGE FOLLOWS ----------")
    say(f"the mail server has received {received} message(s)")


def wait_for(what: str, ready: Callable[[], bool], processes: Processes) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        processes.check_alive()
        check(time.monotonic() < deadline, f"{what} not ready within {START_SECONDS}s")
        time.sleep(1)
    say(f"{what} ready")


def production_environment(
    tmp: Path, database_url: str, redis_url: str, port: int, smtp: int
) -> dict[str, str]:
    """The environment of the production processes: none of the caller's Django settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MARS_"))
        and key not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS"}
        and key not in {"MEDIA_ROOT", "CSRF_TRUSTED_ORIGINS", "SITE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mars.settings",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            # A plain-SMTP sink on the loopback: a real mail server as far as the checks go.
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp}",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "MARS_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "media"),
            # This checkout's code, whatever the virtualenv's editable install points at.
            "PYTHONPATH": str(ROOT),
            # As the image sets it: the processes' logs reach their files as they are written.
            "PYTHONUNBUFFERED": "1",
        }
    )
    # DJANGO_SECURE_HTTPS stays at its production default (on): the journey is the TLS proxy.
    return env


def journey(tmp: Path, processes: Processes) -> None:
    database_url = fresh_database(
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = fresh_redis(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    port, smtp = free_port(), free_port()
    env = production_environment(tmp, database_url, redis_url, port, smtp)
    say(f"database {DATABASE_NAME}, Redis database {REDIS_DB}, web on {port}, mail on {smtp}")

    # The mail server prints each message it is given to its log, where the journey reads it.
    mail = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp}"]
    processes.start("mail", mail, env)
    # Migrating and collecting (compressing) the static files take the longest: side by side.
    run_together(
        {
            "migrate": as_module(["python", "manage.py", "migrate", "--noinput"]),
            "collectstatic": as_module(["python", "manage.py", "collectstatic", "--noinput"]),
        },
        env,
    )
    check((tmp / "var" / "static" / "staticfiles.json").exists(), "collectstatic wrote no manifest")

    password, key_hex = secrets.token_urlsafe(18), secrets.token_hex(20)
    secrets_env = env | {
        "JOURNEY_USERNAME": USERNAME,
        "JOURNEY_PASSWORD": password,
        "JOURNEY_KEY": key_hex,
    }
    made = json.loads(
        run(
            as_module(["python", "manage.py", "shell", "-c", SETUP]), secrets_env, "setup"
        ).splitlines()[-1]
    )
    say(f"made a coordinator with an authenticator, person {made['person']}, fund {made['fund']}")

    web = dockerfile_command()
    web[web.index("--bind") + 1] = f"127.0.0.1:{port}"
    processes.start("web", as_module(web), env)
    worker = compose_command("worker")
    processes.start("worker", as_module(worker), env)
    beat = compose_command("beat")
    beat[beat.index("--schedule") + 1] = str(tmp / "var" / "celerybeat-schedule")
    processes.start("beat", as_module(beat), env)

    # The containers' own health checks (docker-compose.yml), run against these processes.
    def web_healthy() -> bool:
        command = [sys.executable, "-m", "mars.healthcheck", str(port)]
        return subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0

    wait_for("web (python -m mars.healthcheck)", web_healthy, processes)
    node = f"celery@{socket.gethostname()}"

    def worker_answers() -> bool:
        command = as_module(
            ["celery", "-A", "mars", "inspect", "ping", "--destination", node, "--timeout", "5"]
        )
        return (
            subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False).returncode
            == 0
        )

    wait_for(f"worker ({node} answers inspect ping)", worker_answers, processes)

    browser = Browser(port)
    health = browser.get("/healthz")
    check(
        health.status == 200
        and health.json() == {"status": "ok", "database": "ok", "broker": "ok"},
        health.text,
    )
    say(f"/healthz: {health.text}")
    sign_in(browser, password, key_hex)
    log_contact(browser, made["person"])
    phone_sends_twice(browser, made["person"])
    ask_for_payment(browser, made["person"], made["fund"])
    report_pdf(browser, processes)
    password_reset_mail(port, processes)
    processes.check_alive()
    check("beat: Starting" in processes.tail("beat", 200), "beat did not start its schedule")
    say("beat running its schedule")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="mars-prodshape-"))
    processes = Processes(tmp)
    failed = False
    try:
        journey(tmp, processes)
    except Exception as error:  # any failure ends the journey, with what it saw
        failed = True
        say(f"FAILED: {type(error).__name__}: {error}")
    finally:
        processes.stop_all()
        if failed:
            for name in processes.running:
                print(f"----- last lines of {name} -----\n{processes.tail(name)}", flush=True)
        try:
            drop_database(
                os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
            )
        except Exception as error:
            say(f"could not drop {DATABASE_NAME}: {error}")
        shutil.rmtree(tmp, ignore_errors=True)
    say("production journey FAILED" if failed else "production journey passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
