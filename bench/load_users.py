"""The load benchmark's simulated staff (a locustfile, run by bench/load.py): each signed in with
a session of their own, clicking through the pages a team uses most, with a pause between clicks.

bench/load.py passes the plan (sessions, people, search prefixes) in a JSON file named by
BENCH_LOAD_PLAN and reads back every request's time and every failure from BENCH_LOAD_OUT. The
requests themselves are built in bench/load_requests.py.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, events, task

from bench.load_requests import (
    A2A,
    BARE,
    CONTACT_FORM,
    DASHBOARD,
    PAGES,
    PAYMENTS,
    PERSON,
    SEARCH,
    Plan,
    Request,
    contact_post,
    page_requests,
)

CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


_sessions = itertools.count()
_times: dict[str, list[float]] = {page: [] for page in PAGES}
_errors: list[str] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **kwargs: Any) -> None:
    if exception is not None:
        _errors.append(f"{name}: {exception}")
    else:
        _times.setdefault(name, []).append(response_time)


@events.quitting.add_listener
def _write(**kwargs: Any) -> None:
    with open(os.environ["BENCH_LOAD_OUT"], "w") as out:
        json.dump({"times": _times, "errors": _errors}, out)


class Staff(HttpUser):
    """One member of staff. A pause of 5 to 15 seconds between clicks: a person reads a list of
    results, a record or a form for that long before the next click (a calm day's reading is
    longer, tens of seconds): 30 people at that pace are a busy team's peak, about 3 requests a
    second. Much shorter pauses would make a load no team makes and saturate the 2 cores, and
    then every page, the floor too, measures the queue instead of itself."""

    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.plan = Plan.read(os.environ["BENCH_LOAD_PLAN"])
        number = next(_sessions)
        self.rng = random.Random(number)
        session = self.plan.sessions[number % len(self.plan.sessions)]
        self.cookies = {"sessionid": session}
        # Behind the TLS proxy the cookies are Secure, which a client on plain http never
        # sends back: the user keeps them itself and sends them with each request.
        self.client.cookies = http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
        )  # type: ignore[assignment]
        self.origin = "https://" + (self.host or "").split("://", 1)[-1].rstrip("/")

    def send(self, request: Request) -> str:
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": self.origin + "/",
        }
        if request.method == "POST":
            headers["Origin"] = self.origin
        expected = 302 if request.method == "POST" else 200
        with self.client.request(
            request.method,
            request.path,
            data=request.data or None,
            headers=headers,
            name=request.name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            for header in response.raw.headers.getlist("Set-Cookie"):
                found = CSRF_COOKIE.match(header)
                if found:
                    self.cookies["csrftoken"] = found.group(1)
            if response.status_code != expected:
                where = response.headers.get("Location", "")
                response.failure(
                    f"{request.method} {request.path}: {response.status_code} {where} "
                    f"{response.text[:200]!r}"
                )
            else:
                response.success()
            return response.text

    def page(self, name: str) -> str:
        return self.send(page_requests(self.plan, self.rng)[name])

    @task(2)
    def bare(self) -> None:
        self.page(BARE)

    @task(4)
    def search(self) -> None:
        self.page(SEARCH)

    @task(3)
    def person(self) -> None:
        self.page(PERSON)

    @task(2)
    def log_contact(self) -> None:
        form = page_requests(self.plan, self.rng)[CONTACT_FORM]
        page = self.send(form)
        self.send(contact_post(page, form.path, "Seen on the load benchmark's round."))

    @task(1)
    def a2a(self) -> None:
        self.page(A2A)

    @task(1)
    def payments(self) -> None:
        self.page(PAYMENTS)

    @task(1)
    def dashboard(self) -> None:
        self.page(DASHBOARD)
