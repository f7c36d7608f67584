"""Load scenario of `make load`: curators, mentors and methodists of the demo region at work.

Run by ``tests/load/run.sh`` against gunicorn on the loopback (see docs/operations.md, «Load
test»). Each simulated user logs in through the real login form (CSRF token from the page, the
password of the demo accounts) with a demo account of its own, taken from the list that
``seed_demo --list-accounts`` printed into ``LOAD_ACCOUNTS``, and then works like a person:

- curators (weight 5): the staff list and a search in it, students, pairs, the programs list and
  the card of a program found on it;
- mentors (weight 3): the cabinet, their pair, their program, the pair's journal, and a new
  journal entry about a meeting posted through the real form;
- methodists (weight 2): the dashboard, the table of schools and the compliance matrix of their
  municipality (one of them is the regional methodist, whose pages cover the whole region).

Requests go only to 127.0.0.1: any other host is refused before a single user starts. The
gunicorn behind it runs with ``DJANGO_DEBUG=0`` as in production; every request says
``X-Forwarded-Proto: https`` as the reverse proxy in front of the app would.

When the run ends, the summary — p50/p95/p99 per group of pages and in total, the number of
failed requests — is printed, and the exit code is 1 when p95 exceeds ``LOAD_P95_MS`` (300) or any
request failed.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from http.cookiejar import DefaultCookiePolicy
from itertools import count
from urllib.parse import urlsplit

from gevent.lock import Semaphore
from locust import FastHttpUser, LoadTestShape, between, events, task
from locust.exception import StopUser

ALLOWED_HOST = "127.0.0.1"
P95_LIMIT_MS = float(os.environ.get("LOAD_P95_MS", "300"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
DURATION = os.environ.get("LOAD_TIME", "60s")
WARMUP = os.environ.get("LOAD_WARMUP", "10s")
LOGIN_DEADLINE_S = 300  # all users must have logged in by then, or the run stops and fails
# People arrive over minutes, not all in one second: at most this many logins are in flight at once.
# A login hashes the password for about 0.3 s of CPU; fifty at once would only measure the queue.
LOGIN_SLOTS = Semaphore(int(os.environ.get("LOAD_LOGIN_CONCURRENCY", "2")))
SERVER_PID = int(os.environ.get("LOAD_SERVER_PID", "0"))  # gunicorn's master (run.sh)
DATABASE_NAME = os.environ.get("LOAD_DATABASE_NAME", "")
ACCOUNTS_FILE = os.environ.get("LOAD_ACCOUNTS", "")

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DATE_RE = re.compile(r'name="date" value="(\d{4}-\d{2}-\d{2})"')
PROGRAM_RE = re.compile(r'href="/programs/(\d+)/"')
PAIR_RE = re.compile(r'href="/pairs/my/(\d+)/"')
MY_PROGRAM_RE = re.compile(r'href="/programs/my/(\d+)/"')
SEARCHES = ("мат", "учитель", "рус", "ова", "физ")


def _refuse(message: str) -> None:
    sys.stderr.write(f"load: {message}\n")
    sys.exit(2)


def _host_problem(host: str | None) -> str | None:
    """Only the loopback: this scenario is never pointed at a server anyone else uses."""
    parts = urlsplit(host or "")
    if parts.scheme != "http" or parts.hostname != ALLOWED_HOST:
        return f"host must be http://{ALLOWED_HOST}:<port>, not {host!r}"
    return None


def _load_accounts() -> dict[str, list[str]]:
    """Logins by role from the JSON lines of ``seed_demo --list-accounts``."""
    if not ACCOUNTS_FILE:
        _refuse("LOAD_ACCOUNTS must name the file with the output of seed_demo --list-accounts")
    rows = []
    with open(ACCOUNTS_FILE, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    # An account with several roles («multi») opens on one of them: left out, to keep roles clear.
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        seen[row["login"]] += 1
    by_role: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if seen[row["login"]] == 1:
            by_role[row["role"]].append(row["login"])
    return by_role


ACCOUNTS = _load_accounts()
# Logins happen while the users start, before the statistics are reset (SteadyState): their
# times and every failure of the whole run are kept here as well.
LOGIN_MS: list[float] = []
FAILURES: list[str] = []


@events.request.add_listener
def _on_request(request_type, name, exception=None, **_kwargs) -> None:
    if exception is not None:
        FAILURES.append(f"{request_type} {name}: {exception}")


@events.init.add_listener
def _on_init(environment, **_kwargs) -> None:
    for user_class in environment.user_classes:
        if problem := _host_problem(environment.host or user_class.host):
            _refuse(problem)


class DemoUser(FastHttpUser):
    """A person of one role, logged in with an account of that role nobody else in the run uses."""

    abstract = True
    wait_time = between(2, 6)  # reading the page before the next click
    roles: tuple[str, ...] = ()
    _next_index = count()
    network_timeout = 30.0
    connection_timeout = 10.0

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._next_index = count()

    def on_start(self) -> None:
        if problem := _host_problem(self.host):
            raise RuntimeError(problem)
        logins = [login for role in self.roles for login in ACCOUNTS.get(role, [])]
        if not logins:
            raise RuntimeError(f"no demo accounts with the roles {self.roles}")
        # One account per user while there are enough; more users than accounts share them in turn.
        self.login = logins[next(type(self)._next_index) % len(logins)]
        origin = "https://" + urlsplit(self.host).netloc
        self.headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        # With DJANGO_DEBUG=0 the app marks its cookies Secure; in production TLS ends at the proxy.
        # Here there is no proxy: the client must send them over plain HTTP on the loopback.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("http", "https")))
        self.log_in()

    def get(self, path: str, name: str, **kwargs):
        """A page that must answer 200 itself: a redirect (to the login form, say) is a failure."""
        with self.client.get(
            path, name=name, headers=self.headers, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path}: HTTP {response.status_code}")
            return response

    def post_form(self, path: str, name: str, data: dict, page: str):
        """POST as the browser would: with the CSRF token of the page the form came from."""
        token = CSRF_RE.search(page)
        if token is None:
            raise AssertionError(f"no CSRF token on {path}")
        data = {"csrfmiddlewaretoken": token.group(1), **data}
        return self.client.post(
            path,
            name=name,
            data=data,
            headers={**self.headers, "Referer": "https://" + urlsplit(self.host).netloc + path},
            allow_redirects=False,
            catch_response=True,
        )

    def log_in(self) -> None:
        with LOGIN_SLOTS:
            self._log_in()

    def _log_in(self) -> None:
        started = time.perf_counter()
        try:
            page = self.get("/accounts/login/", "login: form").text or ""
            with self.post_form(
                "/accounts/login/", "login: submit", {"username": self.login, "password": "demo"}, page
            ) as response:
                logged_in = response.status_code == 302
                if not logged_in:
                    response.failure(f"login of {self.login} failed: HTTP {response.status_code}")
        finally:
            LOGIN_MS.append((time.perf_counter() - started) * 1000)
        if not logged_in:  # without a session every page would be the login form: the user stops
            raise StopUser()


class Curator(DemoUser):
    weight = 5
    roles = ("curator",)

    @task(3)
    def staff(self) -> None:
        self.get("/staff/", "curator: staff list")

    @task(1)
    def staff_search(self) -> None:
        self.get("/staff/", "curator: staff list", params={"q": random.choice(SEARCHES)})

    @task(2)
    def students(self) -> None:
        self.get("/students/", "curator: students list")

    @task(3)
    def pairs(self) -> None:
        self.get("/pairs/", "curator: pairs list")

    @task(3)
    def programs(self) -> None:
        page = self.get("/programs/", "curator: programs list").text or ""
        found = PROGRAM_RE.findall(page)
        if found:
            self.get(f"/programs/{random.choice(found)}/", "curator: program card")


class Mentor(DemoUser):
    weight = 3
    roles = ("mentor",)

    def on_start(self) -> None:
        super().on_start()
        page = self.get("/pairs/my/", "mentor: my pairs").text or ""
        # The first pair whose journal takes entries (a draft pair's form sends the mentor back).
        self.pair = None
        for pair in PAIR_RE.findall(page):
            with self.client.get(
                f"/journal/pair/{pair}/new/",
                name="mentor: journal form",
                headers=self.headers,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                response.success()
                if response.status_code == 200:
                    self.pair = pair
                    break
        if self.pair is None:
            raise AssertionError(f"{self.login} has no pair with an open journal")
        page = self.get("/programs/my/", "mentor: my programs").text or ""
        programs = MY_PROGRAM_RE.findall(page)
        self.program = programs[0] if programs else None

    @task(3)
    def cabinet(self) -> None:
        self.get("/", "mentor: cabinet")

    @task(2)
    def my_pair(self) -> None:
        self.get(f"/pairs/my/{self.pair}/", "mentor: my pair")

    @task(2)
    def my_program(self) -> None:
        if self.program:
            self.get(f"/programs/my/{self.program}/", "mentor: my program")

    @task(2)
    def journal(self) -> None:
        self.get(f"/journal/pair/{self.pair}/", "mentor: journal")

    @task(1)
    def log_meeting(self) -> None:
        path = f"/journal/pair/{self.pair}/new/"
        page = self.get(path, "mentor: journal form").text or ""
        day = DATE_RE.search(page)  # the form's own default: today in the app's time zone
        data = {
            "date": day.group(1) if day else date.today().isoformat(),
            "topic": "Встреча: разбор урока",
            "content": "Обсудили посещённый урок, выделили удачные приёмы и трудности с дисциплиной.",
            "result": "Составлен план следующего урока.",
            "assignment": "Провести урок по плану, записать вопросы.",
            "activity": "",
        }
        with self.post_form(path, "mentor: journal entry (POST)", data, page) as response:
            if response.status_code != 302:
                response.failure(f"journal entry of {self.login} refused: HTTP {response.status_code}")


class Methodist(DemoUser):
    weight = 2
    roles = ("municipal_methodist", "regional_methodist")

    @task(3)
    def dashboard(self) -> None:
        self.get("/monitoring/dashboard/", "methodist: dashboard")

    @task(2)
    def schools(self) -> None:
        self.get("/monitoring/dashboard/schools/", "methodist: schools table")

    @task(2)
    def matrix(self) -> None:
        self.get("/monitoring/dashboard/documents/", "methodist: compliance matrix")

    @task(1)
    def home(self) -> None:
        self.get("/", "methodist: home")


def _seconds(text: str) -> float:
    """«60s», «2m», «90» (seconds)."""
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1:] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def server_cpu_seconds() -> float:
    """CPU time spent so far by the server side: gunicorn's workers and the database's backends.

    On a machine shared with other work the wall clock of a request measures the neighbours too;
    the CPU the server spent per request in the measured minute is the application's own cost.
    """
    import psutil

    processes = psutil.Process(SERVER_PID).children() if SERVER_PID and psutil.pid_exists(SERVER_PID) else []
    if DATABASE_NAME:
        for process in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            if cmdline.startswith("postgres: ") and f" {DATABASE_NAME} " in cmdline:
                processes.append(process)
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:  # a process that ended meanwhile
            continue
        total += times.user + times.system
    return total


CPU_WINDOW: dict[str, float] = {}


class SteadyState(LoadTestShape):
    """All users start and log in; after a warm-up the statistics are reset; LOAD_TIME is measured.

    The warm-up (LOAD_WARMUP, 10 s of ordinary work) lets every gunicorn worker load its templates
    and open its database connection, as the workers of a running server have long done. The start
    is bounded by LOGIN_DEADLINE_S and the measured part by LOAD_TIME, so the run always ends by
    itself. With this shape locust takes its user count, rate and time from here, not from its
    -u/-r/-t options.
    """

    logged_in_at: float | None = None
    measured_from: float | None = None

    def tick(self):
        now = self.get_run_time()
        if self.logged_in_at is None:
            if len(LOGIN_MS) >= USERS:
                self.logged_in_at = now
                print(f"all {USERS} users logged in after {now:.0f} s; warming up for {WARMUP}", flush=True)
            elif now > LOGIN_DEADLINE_S:
                FAILURES.append(
                    f"only {len(LOGIN_MS)} of {USERS} users logged in within {LOGIN_DEADLINE_S} s"
                )
                return None
            return USERS, SPAWN_RATE
        if self.measured_from is None:
            if now - self.logged_in_at >= _seconds(WARMUP):
                self.runner.stats.reset_all()
                CPU_WINDOW["start"] = server_cpu_seconds()
                self.measured_from = now
                print(f"measuring for {DURATION}", flush=True)
            return USERS, SPAWN_RATE
        if now - self.measured_from >= _seconds(DURATION):
            CPU_WINDOW["end"] = server_cpu_seconds()
            return None
        return USERS, SPAWN_RATE


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


@events.quitting.add_listener
def _summary(environment, **_kwargs) -> None:
    """p50/p95/p99 by group and in total, the failures, and the verdict as the exit code.

    The groups and the total cover the steady state: the statistics are reset once all users have
    logged in and worked for the warm-up (``SteadyState``). The logins of the start are printed on
    their own line; a login hashes the password (PBKDF2, about 0.3 s of CPU by design) and happens
    once a working day, so it is not held to the page target, but a failed login fails the run
    like any other request.
    """
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda s: s.name)
    width = max([len(s.name) for s in rows] + [28])
    line = f"{{:<{width}}} {{:>8}} {{:>6}} {{:>7}} {{:>7}} {{:>7}} {{:>7}}"
    print()
    print(line.format("group", "requests", "fails", "p50 ms", "p95 ms", "p99 ms", "max ms"))
    for s in [*rows, stats.total]:
        print(
            line.format(
                "TOTAL" if s is stats.total else s.name,
                s.num_requests,
                s.num_failures,
                s.get_response_time_percentile(0.50) or 0,
                s.get_response_time_percentile(0.95) or 0,
                s.get_response_time_percentile(0.99) or 0,
                round(s.max_response_time or 0),
            )
        )
    print(
        line.format(
            "logins at start (form+POST)",
            len(LOGIN_MS),
            "",
            round(_percentile(LOGIN_MS, 0.50)),
            round(_percentile(LOGIN_MS, 0.95)),
            round(_percentile(LOGIN_MS, 0.99)),
            round(max(LOGIN_MS, default=0)),
        )
    )
    # Failed requests of the whole run, and exceptions of the scenario (a page without its link).
    exceptions = list(environment.runner.exceptions.values()) if environment.runner else []
    for failure, times in sorted(Counter(FAILURES).items()):
        print(f"failed ×{times}: {failure}")
    for exc in exceptions:
        print(f"exception ×{exc['count']}: {exc['msg']}")
    errors = len(FAILURES) + sum(exc["count"] for exc in exceptions)
    p95 = stats.total.get_response_time_percentile(0.95) or 0
    print(f"throughput {stats.total.total_rps:.1f} requests/s; errors: {errors}")
    if "start" in CPU_WINDOW and "end" in CPU_WINDOW and stats.total.num_requests:
        cpu_ms = (CPU_WINDOW["end"] - CPU_WINDOW["start"]) * 1000 / stats.total.num_requests
        print(
            f"server CPU per request (gunicorn workers + PostgreSQL backends, measured part): {cpu_ms:.0f} ms"
            f" — {os.cpu_count()} cores would serve about {os.cpu_count() * 1000 / cpu_ms:.0f} requests/s"
        )
    problems = []
    if stats.total.num_requests == 0:
        problems.append("no request was made")
    if p95 > P95_LIMIT_MS:
        problems.append(f"p95 {p95:.0f} ms > {P95_LIMIT_MS:.0f} ms")
    if errors:
        problems.append(f"{errors} errors")
    verdict = "FAIL: " + "; ".join(problems) if problems else f"OK (p95 <= {P95_LIMIT_MS:.0f} ms, no errors)"
    print("RESULT: " + verdict)
    environment.process_exit_code = 1 if problems else 0
