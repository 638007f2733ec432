"""National scale (issue 22): a bundle of BENCH_PEOPLE people (default 100,000; about 12 contacts
each, six years of history) made here, loaded through `manage.py import_bundle` into a database of
its own, then the KPI, dashboard and load benchmarks run against that data.

Prints the import's goals (records per second and peak memory at that size, a file with one bad
row refused in a tenth of the good import's time, changing nothing), checks that importing the same
file again changes nothing, then runs bench/kpis.py, bench/dashboard.py and bench/load.py with
DATABASE_URL pointing at the loaded database and BENCH_NATIONAL=1.

The database: DATABASE_URL's server with `_bench` after its database's name, else the embedded
PostgreSQL with a database `mars_bench`; dropped and made again on every run. The bundle is kept
under var/bench/ and reused for the same size and seed (BENCH_SEED, default 22).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.goals import goal  # noqa: E402
from bench.national_data import ensure  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "22"))
EMBEDDED_NAME = "mars_bench"
FOLLOWING = ["bench/kpis.py", "bench/dashboard.py", "bench/load.py"]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    output: list[str]


@contextmanager
def bench_database() -> Iterator[str]:
    """A new, empty database for the benchmark; yields its URL for the children."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "mars"
        bench_url = parts._replace(path=f"/{name}_bench").geturl()
        admin_url = parts._replace(path="/postgres").geturl()
        _recreate(admin_url, f"{name}_bench")
        yield bench_url
        return
    from mars import embedded_db

    var_dir = Path(os.environ.get("MARS_VAR_DIR", str(ROOT / "var")))
    # Starting (or joining) it here keeps the server up while the children use it.
    socket_dir = embedded_db.start(var_dir)["HOST"]
    _recreate(f"postgres://postgres@/postgres?host={quote(socket_dir)}", EMBEDDED_NAME)
    yield f"postgres://postgres@/{EMBEDDED_NAME}?host={quote(socket_dir)}"


def _recreate(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child_env(url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1", **extra}
    env.setdefault("DJANGO_DEBUG", "1")
    return env


def run_child(args: list[str], env: dict[str, str], *, echo: int) -> Run:
    """Run a child to the end, echoing (up to `echo` lines of) its output; its wall time and its
    own peak memory (wait4's, so no earlier child counts)."""
    began = time.perf_counter()
    child = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    output = []
    for line in child.stdout:
        output.append(line.rstrip("\n"))
        if len(output) <= echo:
            print(f"  | {output[-1]}", flush=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if len(output) > echo:
        print(f"  | ... ({len(output) - echo} more lines)")
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, output)


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the database: what "changed nothing" is checked against."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for table in tables:
            row = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            assert row is not None
            counts[table] = row[0]
        return counts


def differences(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"{table}: {before.get(table)} -> {after.get(table)}"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


def main() -> int:
    failures: list[str] = []
    began = time.perf_counter()
    bundle = ensure(PEOPLE, SEED, ROOT / "var" / "bench")
    size = bundle.path.stat().st_size / 1e6
    how = f"made in {bundle.made_in:.1f} s" if bundle.made_in is not None else "reused"
    print(
        f"national bundle: {PEOPLE:,} people, {bundle.total:,} records "
        f"({bundle.records['contacts']:,} contacts, {bundle.records['placements']:,} placements, "
        f"{bundle.records['units']:,} units), {size:,.0f} MB, {how}: {bundle.path}"
    )
    print(f"  busiest person: {bundle.busiest['ref']} with {bundle.busiest['contacts']} contacts")
    manage = [sys.executable, "manage.py"]
    with bench_database() as url:
        env = child_env(url)
        migrated = run_child([*manage, "migrate", "--noinput", "-v0"], env, echo=40)
        if migrated.returncode:
            print("migrate failed: nothing measured")
            return 1
        print(
            f"database {urlsplit(url).path.lstrip('/')}: made and migrated in "
            f"{migrated.seconds:.0f} s"
        )
        empty = table_counts(url)

        print(f"import of {bundle.path.name}:")
        good = run_child([*manage, "import_bundle", str(bundle.path)], env, echo=400)
        if good.returncode:
            print(f"the import failed (exit {good.returncode}): nothing more measured")
            return 1
        rate = bundle.total / good.seconds
        print(f"  {good.seconds:.1f} s, {rate:,.0f} records/s, peak {good.peak_mb:,.0f} MB")
        goal(f"import records per second at {PEOPLE:,} people", rate, 5000, at_least=True)
        goal(f"import peak memory at {PEOPLE:,} people", good.peak_mb, 400, " MB")
        loaded = table_counts(url)
        if not differences(empty, loaded):
            failures.append("the import wrote nothing")

        print(f"import of the copy with one future-dated contact ({bundle.bad_path.name}):")
        bad = run_child([*manage, "import_bundle", str(bundle.bad_path)], env, echo=20)
        expected = f"contacts[{bundle.bad_index}].at: "
        problems = [line for line in bad.output if line.startswith(expected)]
        after_bad = table_counts(url)
        print(f"  {bad.seconds:.1f} s, exit {bad.returncode}")
        goal("bad-row refusal / good import", bad.seconds / good.seconds, 0.1)
        if bad.returncode == 0 or not problems or "future" not in problems[0]:
            failures.append(f"the bad copy was not refused with `{expected}... future ...`")
        if changed := differences(loaded, after_bad):
            failures.append(f"the refused copy changed: {', '.join(changed)}")

        print("the same file again:")
        again = run_child([*manage, "import_bundle", str(bundle.path)], env, echo=400)
        after_again = table_counts(url)
        print(
            f"  {again.seconds:.1f} s ({again.seconds / good.seconds:.2f} x the first import), "
            f"exit {again.returncode}"
        )
        if again.returncode:
            failures.append("importing the same file again failed")
        if changed := differences(loaded, after_again):
            failures.append(f"importing the same file again changed: {', '.join(changed)}")

        print(f"loaded and checked in {time.perf_counter() - began:.0f} s")
        following = child_env(url, BENCH_NATIONAL="1")
        for script in FOLLOWING:
            if not (ROOT / script).exists():
                print(f"{script}: not there yet, skipped")
                continue
            print(f"{script} on the national data:", flush=True)
            ran = run_child([sys.executable, script], following, echo=1_000_000)
            if ran.returncode:
                failures.append(f"{script} failed (exit {ran.returncode})")
            print(f"  ({ran.seconds:.0f} s)")
    for failure in failures:
        print(f"national: {failure}")
    print(f"bench/national.py: {time.perf_counter() - began:.0f} s in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
