"""Pages under load: gunicorn with production settings, 30 simulated staff (locust, headless)
for 2 minutes over the pages a team uses most, with the bare signed-in view as the floor in the
same run.

Prints p50 and p95 of each page and each page's p95 as a multiple of the bare view's, then a goal
line for each page (`goal <page> p95 / bare view p95: X (<= 3)`, the dashboard <= 5) and one for
failed requests (any failure fails the run, with every failure printed).

Run with `make bench-load`. BENCH_LOAD_USERS and BENCH_LOAD_SECONDS change the load. Without
BENCH_NATIONAL it makes its own database (mars_loadbench on DATABASE_URL's server, dropped first)
and fills it with BENCH_LOAD_PEOPLE (default 5,000) people, about 12 contacts each, one person with
500 contacts, A2A referrals and payment requests. With BENCH_NATIONAL=1 (bench/national.py) it
works on DATABASE_URL's data as it is, adds only its staff (and a person with 500 contacts and one
to log contacts for, when missing) and removes them at the end.

The staff sign in as the site's own sign-in would leave them: each gets a server-side session,
signed in with Django's login and marked verified with their authenticator (django-otp's login),
so the second factor production requires is satisfied exactly as after the code step.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.goals import goal  # noqa: E402
from bench.load_requests import BARE, DASHBOARD, PAGES, Plan, page_requests  # noqa: E402
from bench.signing_in import sign_in  # noqa: E402

USERS = int(os.environ.get("BENCH_LOAD_USERS", "30"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
NATIONAL = os.environ.get("BENCH_NATIONAL") == "1"
PEOPLE = int(os.environ.get("BENCH_LOAD_PEOPLE", "5000"))
OWN_DATABASE = "mars_loadbench"
REDIS_DB = 9
STAFF_PREFIX = "loadbench."
SEED_WORKER = "loadbench-seed"  # who recorded the seed, in the benchmark's own database
CONTACT_PERSON = ("Loadbench", "Contactlog")  # the person the staff log contacts for
LONG_HISTORY = ("Loadbench", "Fivehundred")  # the person with 500 contacts, when we add one
HISTORY = 500
# Two cores, shared with PostgreSQL and with locust itself. Gunicorn's rule of thumb is
# 2 x cores + 1 sync workers: a page spends part of its time waiting on PostgreSQL, so a few
# more requests in flight than cores keep both cores busy; many more would only time-slice and
# raise every page's p95 together. Sync workers (no threads): Django's requests are CPU-bound
# Python, and a thread would only wait for the GIL.
WORKERS = 5
START_SECONDS = 240  # a busy machine (PostgreSQL, other work) slows the workers' imports
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[load {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class LoadFailed(Exception):
    pass


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def own_database(server_url: str) -> str:
    """The benchmark's own database, made if missing; kept between runs (its seed is reused: the
    migrations and the seed cost minutes) unless BENCH_LOAD_FRESH=1."""
    import psycopg

    with psycopg.connect(with_path(server_url, "/postgres"), autocommit=True) as connection:
        if os.environ.get("BENCH_LOAD_FRESH") == "1":
            connection.execute(f'DROP DATABASE IF EXISTS "{OWN_DATABASE}" WITH (FORCE)')
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [OWN_DATABASE]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{OWN_DATABASE}"')
    return with_path(server_url, f"/{OWN_DATABASE}")


def production_environment(tmp: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings (debug off, a secret key, whitenoise's manifest), as
    .ci/production_journey.py runs them; none of the caller's Django settings."""
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
            "EMAIL_URL": "dummymail://",
            "MARS_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "media"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def run_together(commands: dict[str, list[str]], env: dict[str, str]) -> None:
    """Migrating and collecting (compressing) the static files take the longest: side by side."""
    say(" and ".join(commands))
    started = {
        what: subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for what, argv in commands.items()
    }
    for what, process in started.items():
        output, _ = process.communicate()
        if process.returncode != 0:
            raise LoadFailed(f"{what}: exit {process.returncode}\n{output}")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """The web process, in its own process group: stopped (with its workers) however we leave."""
    argv = [sys.executable, "-m", "gunicorn", "mars.wsgi:application"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "120"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        say(f"gunicorn (pid {process.pid}): {WORKERS} sync workers on port {port}")
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                if process.poll() is not None:
                    raise LoadFailed(f"gunicorn exited with {process.returncode}:\n" + tail(log))
                health = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=5):
                    break
                if time.monotonic() > deadline:
                    raise LoadFailed(f"gunicorn not answering within {START_SECONDS}s")
                time.sleep(0.5)
            yield
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            say(f"gunicorn stopped ({process.returncode})")


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


# The data ----------------------------------------------------------------------------------------

FIRST = ["Sam", "Daniel", "Sarah", "Michael", "Jade", "Lee", "Tomasz", "Emma", "Gary", "Aisha"]
LAST = ["Price", "Collins", "Harris", "Walsh", "Doyle", "Trewin", "Mohamed", "Evans", "Rowe"]


def seed(rng: random.Random) -> None:
    """A modest team's records, written in bulk (the pages read them; how they were written
    does not matter here): people with their name index, about 12 contacts each (most seen a
    few times, a few seen often), open A2A referrals and payment requests."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from accommodation.models import A2AReferral, PropertyType
    from clients.models import Client, PersonName, name_rows
    from funds.models import Fund, FundKind, PaymentRequest
    from funds.services import save_fund
    from mars.dates import financial_year
    from mars.roles import Role
    from outreach.models import Contact, ContactKind, Verification

    worker = User.objects.create_user(SEED_WORKER, first_name="Seed", last_name="Worker")
    worker.groups.add(Group.objects.get(name=Role.COORDINATOR))
    now = timezone.now()
    people = Client.objects.bulk_create(
        [
            Client(
                reference=f"LB{n:06d}",
                first_name=f"{rng.choice(FIRST)}{n % 97}",
                last_name=f"{rng.choice(LAST)}{n % 89}",
                date_of_birth=f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            )
            for n in range(PEOPLE)
        ],
        batch_size=5000,
    )
    PersonName.objects.bulk_create(
        [row for person in people for row in name_rows(person, [])], batch_size=5000
    )
    contacts = []
    for person in people:
        seen = min(int(rng.paretovariate(1.2) * 3), 150)
        for _ in range(seen):
            contacts.append(
                Contact(
                    client=person,
                    at=now - timedelta(days=rng.randrange(0, 2 * 365), minutes=rng.randrange(600)),
                    kind=ContactKind.STREET_OUTREACH,
                    bedded_down=(bedded := rng.random() < 0.6),
                    verification=Verification.SEEN_BY_WORKER if bedded else "",
                    worker=worker,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=5000)
    referred = rng.sample(people, min(300, len(people)))
    A2AReferral.objects.bulk_create(
        [
            A2AReferral(
                client=person,
                referred_on=(now - timedelta(days=rng.randrange(60))).date(),
                referred_by=worker,
                requested_type=rng.choice(PropertyType.values),
                needs="Low-support room near the day centre.",
                reasons="Bedded down for several weeks; wants a room.",
            )
            for person in referred
        ]
    )
    fund = save_fund(
        Fund(
            name="Load bench personal budget",
            kind=FundKind.PERSONAL_BUDGET,
            year=financial_year(timezone.localdate()),
            budget=Decimal("100000.00"),
            approval_threshold=Decimal("250.00"),
        ),
        by=worker,
    )
    PaymentRequest.objects.bulk_create(
        [
            PaymentRequest(
                fund=fund,
                client=person,
                amount=Decimal(rng.randrange(500, 20000)) / 100,
                purpose="Boots and a coat",
                payee="Outdoor Shop Ltd",
                requested_by=worker,
                requested_at=now - timedelta(days=rng.randrange(90)),
            )
            for person in rng.sample(people, min(400, len(people)))
        ]
    )
    say(f"seeded {len(people):,} people, {len(contacts):,} contacts, {len(referred)} referrals")


def person_named(first: str, last: str, worker: Any, contacts: int) -> int:
    """A person of the benchmark's own (found again if a run left one), with `contacts` contacts."""
    from django.utils import timezone

    from clients.models import Client
    from clients.services import create_client
    from outreach.models import Contact, ContactKind, Verification

    existing = Client.objects.filter(first_name=first, last_name=last).first()
    person = existing or create_client(
        {"first_name": first, "last_name": last}, by=worker, confirmed_distinct=True
    )
    now = timezone.now()
    have = Contact.objects.filter(client=person).count()
    Contact.objects.bulk_create(
        [
            Contact(
                client=person,
                at=now - timedelta(days=n % 700, hours=n % 11),
                kind=ContactKind.STREET_OUTREACH,
                bedded_down=n % 3 != 0,
                verification=Verification.SEEN_BY_WORKER if n % 3 else "",
                notes="Seen on the round; offered a hot drink and a place at the hub.",
                worker=worker,
            )
            for n in range(have, contacts)
        ]
    )
    return int(person.pk)


def person_with_history() -> int | None:
    """A person already in the data with about 500 contacts (450 to 550), if there is one."""
    from django.db.models import Count

    from outreach.models import Contact

    near = (
        Contact.objects.filter(client__isnull=False)
        .values("client")
        .annotate(seen=Count("id"))
        .filter(seen__gte=HISTORY - 50, seen__lte=HISTORY + 50)
        .order_by("client")
        .first()
    )
    return near["client"] if near else None


def prepare(plan_path: Path) -> None:
    """The staff (coordinators: they see every page benchmarked), their sessions, the people."""
    from django.contrib.auth.models import Group, User

    from clients.models import Client
    from mars.roles import Role

    rng = random.Random(22)
    if not NATIONAL and not User.objects.filter(username=SEED_WORKER).exists():
        seed(rng)
    coordinators = Group.objects.get(name=Role.COORDINATOR)
    staff = []
    for n in range(USERS):
        user = User.objects.create_user(
            f"{STAFF_PREFIX}{n}", first_name="Load", last_name=f"Bench{n}", password=None
        )
        user.groups.add(coordinators)
        staff.append(user)
    long_history = person_with_history() or person_named(*LONG_HISTORY, staff[0], HISTORY)
    contact_person = person_named(*CONTACT_PERSON, staff[0], 0)
    names = list(
        Client.objects.exclude(last_name="").order_by("?").values_list("last_name", flat=True)[:200]
    )
    prefixes = sorted({name[:3] for name in names if len(name) >= 3})
    plan = Plan(
        sessions=[sign_in(user) for user in staff],
        person=long_history,
        contact_person=contact_person,
        prefixes=prefixes,
    )
    plan_path.write_text(json.dumps(plan.__dict__))
    say(
        f"{USERS} signed-in coordinators; person {long_history} with "
        f"{HISTORY} contacts; {len(prefixes)} name prefixes to search for"
    )


def remove_what_we_added(session_keys: list[str]) -> None:
    """The staff, their sessions and devices, the people we made and what was logged for them
    and by the staff (contacts, history, the access log of the run): after the run, and before
    it for what a run that was killed left behind."""
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction

    from audit.retention import allow_access_log_removal, allow_history_changes
    from clients.models import Client

    ours = User.objects.filter(username__startswith=STAFF_PREFIX)
    staff = list(ours.values_list("pk", flat=True))
    people = list(
        Client.objects.filter(first_name="Loadbench").values_list("pk", flat=True)  # ours only
    )
    if not staff and not people:
        return
    reason = "The load benchmark's own staff and people, and what they did, removed after its run."
    with (
        transaction.atomic(),
        # The history and the access log are kept (audit.triggers): removing the benchmark's
        # rows is a release, recorded with its reason like any other.
        allow_history_changes(by=None, reason=reason),
        allow_access_log_removal(by=None, reason=reason),
        connection.cursor() as cursor,
    ):
        for table, column, ids in _rows_to_remove(cursor, staff, people):
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" = ANY(%s)', [ids])
        # This run's sessions (a killed run's end with their users, and expire within
        # SESSION_IDLE_MINUTES; their data is signed with that run's secret key).
        Session.objects.filter(session_key__in=session_keys).delete()
        cursor.execute("DELETE FROM clients_client WHERE id = ANY(%s)", [people])
        cursor.execute("DELETE FROM auth_user WHERE id = ANY(%s)", [staff])
    say(f"removed {len(staff)} staff and {len(people)} people the benchmark added")


def _rows_to_remove(cursor: Any, staff: list[int], people: list[int]) -> list[tuple[str, str, Any]]:
    """Every row pointing at the staff or people we made, found from the foreign keys."""
    cursor.execute(
        """
        SELECT cl.relname, att.attname, target.relname
        FROM pg_constraint con
        JOIN pg_class cl ON cl.oid = con.conrelid
        JOIN pg_class target ON target.oid = con.confrelid
        JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND target.relname IN ('auth_user', 'clients_client')
        """
    )
    rows = []
    for table, column, target in cursor.fetchall():
        if table in {"auth_user", "clients_client"}:
            continue
        rows.append((table, column, staff if target == "auth_user" else people))
    # Contacts first (their own dependants are rows pointing at contacts we then remove).
    rows.sort(key=lambda row: row[0] != "outreach_contact")
    return rows


# The run -----------------------------------------------------------------------------------------


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile (the time that `share` of the requests took at most)."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def warm_up(port: int, plan: Plan) -> float:
    """Each worker imports and connects before the measuring starts: a few of each page. Returns
    the bare view's median time alone (one request at a time), to tell a saturated run."""
    rng = random.Random(1)
    alone = []
    for _ in range(WORKERS):
        for request in page_requests(plan, rng).values():
            started = time.perf_counter()
            sent = urllib.request.Request(
                f"http://127.0.0.1:{port}{request.path}",
                headers={"X-Forwarded-Proto": "https", "Cookie": f"sessionid={plan.sessions[0]}"},
            )
            with urllib.request.urlopen(sent, timeout=120) as answer:
                if answer.status != 200:
                    raise LoadFailed(f"warm-up {request.name}: {answer.status}")
                answer.read()
            if request.name == BARE:
                alone.append((time.perf_counter() - started) * 1000)
    return percentile(alone, 0.5)


def load(env: dict[str, str], port: int, plan_path: Path, out: Path, tmp: Path) -> None:
    argv = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py")]
    argv += ["--headless", "--users", str(USERS), "--spawn-rate", str(max(1, USERS // 5))]
    argv += ["--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}"]
    argv += ["--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"]
    say(f"locust: {USERS} users for {SECONDS}s")
    log = tmp / "locust.log"
    with log.open("wb") as output:
        done = subprocess.run(
            argv,
            cwd=ROOT,
            env=env | {"BENCH_LOAD_PLAN": str(plan_path), "BENCH_LOAD_OUT": str(out)},
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if not out.exists():
        raise LoadFailed(f"locust exited with {done.returncode} and no results:\n{tail(log)}")


def report(out: Path, alone: float) -> bool:
    results = json.loads(out.read_text())
    times: dict[str, list[float]] = results["times"]
    errors: list[str] = results["errors"]
    missing = [page for page in PAGES if not times.get(page)]
    if missing:
        errors.append(f"no request answered for: {', '.join(missing)}")
        for error in errors[:50]:
            print(f"FAILED {error}")
        goal("load failed requests", len(errors), 0)
        return False
    bare = percentile(times[BARE], 0.95)
    print(f"{'page':<28} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95 / bare':>10}")
    for page in PAGES:
        p50, p95 = percentile(times[page], 0.5), percentile(times[page], 0.95)
        print(f"{page:<28} {len(times[page]):>8} {p50:>8.0f} {p95:>8.0f} {p95 / bare:>10.2f}")
    held = True
    for page in PAGES:
        if page != BARE:
            limit = 5 if page == DASHBOARD else 3
            held &= goal(f"{page} p95 / bare view p95", percentile(times[page], 0.95) / bare, limit)
    for error in errors[:50]:
        print(f"FAILED {error}")
    held &= goal("load failed requests", len(errors), 0)
    # Past the machine's capacity every request waits in gunicorn's queue, the floor's too, and
    # each ratio nears 1 whatever the pages cost: such a run proves nothing about them.
    under_load = percentile(times[BARE], 0.5)
    print(f"bare view alone p50 {alone:.0f} ms, under load p50 {under_load:.0f} ms")
    held &= goal("load not saturated: bare view p50 under load / alone", under_load / alone, 3)
    return held


def main() -> int:
    import redis

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    redis_url = with_path(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", f"/{REDIS_DB}")
    redis.Redis.from_url(redis_url).flushdb()  # only this database number: Redis is shared
    with tempfile.TemporaryDirectory(prefix="mars-load-") as name:
        tmp = Path(name)
        database_url = server if NATIONAL else own_database(server)
        env = production_environment(tmp, database_url, redis_url)
        say(f"database {urlsplit(database_url).path[1:]}, Redis {REDIS_DB}, production settings")
        manage = [sys.executable, "manage.py"]
        steps = {"collectstatic": [*manage, "collectstatic", "--noinput"]}
        if not NATIONAL:
            steps["migrate"] = [*manage, "migrate", "--noinput"]
        run_together(steps, env)
        # This process's Django: the same settings and secret key as gunicorn's (the sessions'
        # hashes are made with it).
        os.environ.update(env)
        import django

        django.setup()
        # Each sign-in of the staff is logged by axes at INFO: 30 times the same lines.
        logging.getLogger("axes").setLevel(logging.WARNING)
        plan_path, out = tmp / "plan.json", tmp / "results.json"
        remove_what_we_added([])
        try:
            prepare(plan_path)
            port = free_port()
            with gunicorn(env, port, tmp / "gunicorn.log"):
                plan = Plan.read(str(plan_path))
                alone = warm_up(port, plan)
                say("warmed up")
                load(env, port, plan_path, out, tmp)
            held = report(out, alone)
            sizes = data_size()
            say(f"measured at {sizes}")
        except Exception:
            log = tmp / "gunicorn.log"
            if log.exists():
                print(tail(log, 60), file=sys.stderr)
            raise
        finally:
            made = Plan.read(str(plan_path)) if plan_path.exists() else None
            remove_what_we_added(made.sessions if made else [])
            redis.Redis.from_url(redis_url).flushdb()
    return 0 if held else 1


def data_size() -> str:
    from clients.models import Client
    from outreach.models import Contact

    return f"{Client.objects.count():,} people, {Contact.objects.count():,} contacts"


if __name__ == "__main__":
    sys.exit(main())
