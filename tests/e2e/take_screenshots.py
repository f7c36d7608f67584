"""Screenshots of the main pages for every role, for a visual review. Not part of the test suite.

    .venv/bin/python tests/e2e/take_screenshots.py OUTDIR

Builds a throwaway SQLite database in a temporary directory (migrate + ``seed_demo``), serves it
with ``manage.py runserver 127.0.0.1:8765 --noreload`` and logs in with headless Chromium as one
demo account per role (password «demo»). Writes to OUTDIR:

    login.png, login-error.png, home-<role>.png for the eight roles, staff-list.png,
    staff-detail.png (curator), school-list.png, school-detail.png (municipal methodist),
    switcher.png (the multi-role account ``multi`` with the role switcher open),
    home-curator-mobile.png (390 px wide)

Long pages are captured whole: the window is made as tall as the document before the shot.
Browser-console problems (CSP violations, JavaScript errors) are printed at the end and make the
exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from selenium.webdriver.common.by import By  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    CHROMEDRIVER,
    CHROMIUM,
    clickable,
    console_problems,
    login,
    make_chrome,
    submit_login_form,
    visible,
)

HOST = "127.0.0.1"
PORT = 8765
BASE_URL = f"http://{HOST}:{PORT}"
DEMO_PASSWORD = "demo"
ROLES = [
    "admin",
    "regional_methodist",
    "municipal_methodist",
    "director",
    "curator",
    "psychologist",
    "mentor",
    "mentee",
]
MULTI_LOGIN = "multi"
WIDTH, HEIGHT = 1366, 900
MOBILE_WIDTH = 390
MAX_HEIGHT = 10000
SEED_DEMO_ATTEMPTS = 10
SEED_DEMO_RETRY_SECONDS = 60


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def prepare_database(env: dict[str, str]) -> list[dict]:
    """Migrate, load the demo data and return its accounts (one dict per login and role)."""
    result = manage(env, "migrate", "--noinput")
    if result.returncode:
        sys.exit(f"migrate failed:\n{result.stdout}\n{result.stderr}")
    # seed_demo may still be under construction: wait for it rather than give up at once.
    for attempt in range(1, SEED_DEMO_ATTEMPTS + 1):
        result = manage(env, "seed_demo", "--list-accounts")
        if result.returncode == 0:
            break
        if "Unknown command" not in result.stderr or attempt == SEED_DEMO_ATTEMPTS:
            sys.exit(f"seed_demo failed:\n{result.stdout}\n{result.stderr}")
        log(f"seed_demo does not exist yet; retrying in {SEED_DEMO_RETRY_SECONDS} s")
        time.sleep(SEED_DEMO_RETRY_SECONDS)
    log(result.stderr.strip())
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip().startswith("{")]


def pick_accounts(accounts: list[dict]) -> dict[str, str]:
    """The first account of each role, preferring single-role accounts (no switcher in the header)."""
    roles_of: dict[str, set[str]] = {}
    for row in accounts:
        roles_of.setdefault(row["login"], set()).add(row["role"])
    chosen: dict[str, str] = {}
    for row in sorted(accounts, key=lambda r: len(roles_of[r["login"]]) > 1):
        chosen.setdefault(row["role"], row["login"])
    missing = [r for r in ROLES if r not in chosen]
    if missing:
        sys.exit(f"seed_demo --list-accounts has no account for: {', '.join(missing)}")
    if MULTI_LOGIN not in roles_of:
        sys.exit(f"seed_demo --list-accounts has no multi-role account «{MULTI_LOGIN}»")
    return chosen


def start_server(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log_file = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), "runserver", f"{HOST}:{PORT}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"runserver exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/healthz/", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop_server(server)
    sys.exit(f"runserver did not answer on {BASE_URL} within 30 s:\n{log_path.read_text()}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Shooter:
    def __init__(self, driver, outdir: Path) -> None:
        self.driver = driver
        self.outdir = outdir
        self.problems: list[str] = []

    def set_viewport(self, width: int, height: int) -> None:
        """Size the window so that the page area (not the window) is width x height."""
        driver = self.driver
        if width < WIDTH:
            # Chromium does not make windows narrower than 500 px: emulate a phone screen instead.
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
            )
            return
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_window_size(width, height)
        extra_w, extra_h = driver.execute_script(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]"
        )
        if extra_w or extra_h:
            driver.set_window_size(width + extra_w, height + extra_h)

    def fresh(self, width: int = WIDTH) -> None:
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.set_viewport(width, HEIGHT)

    def login(self, username: str, width: int = WIDTH) -> None:
        self.fresh(width)
        login(self.driver, BASE_URL, username, DEMO_PASSWORD)

    def go(self, path: str) -> None:
        self.driver.get(f"{BASE_URL}{path}")
        visible(self.driver, "main")

    def shot(self, name: str, *, full_page: bool = True) -> None:
        driver = self.driver
        driver.execute_script("return document.fonts.ready")
        width = driver.execute_script("return window.innerWidth")
        if full_page:
            height = driver.execute_script(
                "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)"
            )
            self.set_viewport(width, max(HEIGHT, min(int(height), MAX_HEIGHT)))
            time.sleep(0.2)  # let the layout settle after the resize
        path = self.outdir / f"{name}.png"
        driver.save_screenshot(str(path))
        for problem in console_problems(driver):
            self.problems.append(f"{name}: {problem}")
        log(f"  {path}")
        if full_page:
            self.set_viewport(width, HEIGHT)


def take_all(shooter: Shooter, accounts: dict[str, str]) -> None:
    driver = shooter.driver

    shooter.fresh()
    shooter.go("/accounts/login/")
    shooter.shot("login")
    submit_login_form(driver, BASE_URL, accounts["curator"], "wrong-password")
    shooter.shot("login-error")

    for role in ROLES:
        shooter.login(accounts[role])
        shooter.shot(f"home-{role}")
        if role == "curator":
            shooter.go("/staff/")
            shooter.shot("staff-list")
            driver.find_element(By.CSS_SELECTOR, "[data-testid=staff-table] tbody a").click()
            visible(driver, "h1.page-title")
            shooter.shot("staff-detail")
            shooter.login(accounts[role], width=MOBILE_WIDTH)
            shooter.shot("home-curator-mobile")
        if role == "municipal_methodist":
            shooter.go("/schools/")
            shooter.shot("school-list")
            driver.find_element(By.CSS_SELECTOR, "[data-testid=school-table] tbody a").click()
            visible(driver, "h1.page-title")
            shooter.shot("school-detail")

    shooter.login(MULTI_LOGIN)
    clickable(driver, "[data-testid=context-switcher] [data-bs-toggle=dropdown]").click()
    visible(driver, "[data-testid=context-switcher] .dropdown-menu")
    time.sleep(0.3)  # the dropdown fades in
    shooter.shot("switcher", full_page=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args()
    outdir: Path = args.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.exists():
            sys.exit(f"{binary} is missing (Debian: apt-get install chromium chromium-driver)")

    workdir = Path(tempfile.mkdtemp(prefix="nastavnik-shots-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
        "AXES_ENABLED": "0",
        "DJANGO_DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    server = driver = None
    try:
        log(f"Database: {env['DATABASE_URL']}")
        accounts = pick_accounts(prepare_database(env))
        log("Accounts: " + ", ".join(f"{role}={login}" for role, login in accounts.items()))
        server = start_server(env, workdir / "runserver.log")
        driver = make_chrome(workdir / "chromium-profile", window_size=f"{WIDTH},{HEIGHT}")
        shooter = Shooter(driver, outdir)
        take_all(shooter, accounts)
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)
    if shooter.problems:
        log("Browser console problems:\n" + "\n".join(shooter.problems))
        return 1
    log(f"Screenshots in {outdir}; browser console clean.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
