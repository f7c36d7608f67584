"""Screenshots of the main pages for every role, for a visual review. Not part of the test suite.

    .venv/bin/python tests/e2e/take_screenshots.py OUTDIR

Builds a throwaway SQLite database in a temporary directory (migrate + ``seed_demo``), serves it
with ``manage.py runserver 127.0.0.1:8765 --noreload`` and logs in with headless Chromium as one
demo account per role (password «demo»). Writes to OUTDIR:

    login.png, login-error.png, home-<role>.png for the eight roles, staff-list.png,
    staff-detail.png (curator), school-list.png, school-detail.png (municipal methodist),
    switcher.png (the multi-role account ``multi`` with the role switcher open),
    home-curator-mobile.png (390 px wide), home-curator-1100.png (the header of a small laptop),
    and the mentoring screens:

    mentor:   my-pairs-mentor, my-pair-mentor, request-form, my-pair-request, my-mentor-profile
    mentee:   my-pairs-mentee, my-pair-mentee, my-diagnostics
    curator:  import-staff (empty), import-students-preview, student-list, student-detail,
              partner-list, partner-detail, mentee-base, diagnostics-list, diagnostics-profile,
              mentor-list, mentor-detail, mentor-create, mentor-registry-curator, matching-school,
              matching-mentee, pair-list, request-list, pair-detail-active (with the mentor's
              request), pair-detail-mobile and pair-detail-draft (a demo draft), consent-form,
              pair-create, pair-detail-student (a minor mentee), consent-form-minor
    director: mentor-registry-director (sent for approval), pair-fix (the demo draft, once the
              curator has recorded its missing consents)
    consent-adult.pdf, consent-minor.pdf and their first pages as PNG (pdftoppm -r 70)

The curator's part imports students and partners from CSV files (the demo has none), adds a
mentor, composes the mentor registry and creates a draft «учитель – ученик» pair; the mentor files
a request. All of it goes to the throwaway database.

Long pages are captured whole: the window is made as tall as the document before the shot.
Browser-console problems (CSP violations, JavaScript errors) are printed at the end and make the
exit status 1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    CHROMEDRIVER,
    CHROMIUM,
    clickable,
    console_problems,
    gone,
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
NARROW_WIDTH = 1100
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
    def __init__(self, driver, outdir: Path, workdir: Path) -> None:
        self.driver = driver
        self.outdir = outdir
        self.workdir = workdir
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

    def click(self, target) -> None:
        """Click a link or button (an element or a CSS selector) and wait for the next page."""
        driver = self.driver
        element = clickable(driver, target) if isinstance(target, str) else target
        # Scroll at once: Bootstrap's smooth scrolling would still be moving the page at the click.
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        old_body = driver.find_element(By.TAG_NAME, "body")
        element.click()
        WebDriverWait(driver, 10, poll_frequency=0.05).until(gone(old_body))
        visible(driver, "main")

    def set_value(self, element, value: str) -> None:
        """Set an input from script (date inputs take ISO dates whatever the locale)."""
        self.driver.execute_script("arguments[0].value = arguments[1]", element, value)

    def download(self, path: str, name: str) -> Path:
        """Fetch a page with the browser's session (a PDF the browser would only download)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(f"{BASE_URL}{path}", headers={"Cookie": cookies})
        with opener.open(request, timeout=60) as response:
            target = self.outdir / name
            target.write_bytes(response.read())
        log(f"  {target}")
        if shutil.which("pdftoppm") and name.endswith(".pdf"):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    "1",
                    "-l",
                    "2",
                    str(target),
                    str(target.with_suffix("")),
                ],
                check=True,
            )
        return target

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
            # A small laptop: the longest menu and the work context must still fit one header line.
            shooter.login(accounts[role], width=NARROW_WIDTH)
            shooter.shot("home-curator-1100", full_page=False)
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

    take_mentoring(shooter, accounts)


# --- The mentoring screens ---------------------------------------------------------------------------


def _csv(shooter: Shooter, name: str, rows: list[str]) -> Path:
    path = shooter.workdir / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _birthday(years: int, days: int = 40) -> str:
    return (date.today() - timedelta(days=365 * years + days)).strftime("%d.%m.%Y")


STUDENT_ROWS = [
    "Фамилия;Имя;Отчество;Дата рождения;Класс;Законный представитель;Телефон представителя;E-mail представителя;Обучается",
    f"Смирнов;Артём;Игоревич;{_birthday(14)};8Б;Смирнова Ольга Викторовна;+7 912 345-67-89;smirnova@mail.ru;да",
    f"Ковалёва;Полина;Андреевна;{_birthday(15, 200)};9А;Ковалёв Андрей Петрович;+7 912 111-22-33;;да",
    f"Лебедев;Максим;;{_birthday(16, 10)};10А;;;;да",
    f"Орлова;Виктория;Сергеевна;{_birthday(9, 100)};3В;Орлова Наталья Ивановна;+7 900 765-43-21;;да",
    f"Фёдоров;Кирилл;Олегович;{_birthday(18, 120)};11Б;;;;да",
]
PARTNER_ROWS = [
    "Наименование;Вид;ИНН;Адрес;Телефон;E-mail;Сайт;Соглашение о сотрудничестве",
    "ООО «Уралмаш-Сервис»;предприятие, организация;6673123456;г. Екатеринбург, ул. Ленина, 1;+7 343 123-45-67;"
    "info@uralmash.ru;uralmash.ru;№ 12 от 01.09.2024",
    "ФГАОУ ВО «Уральский федеральный университет»;вуз;6661014613;г. Екатеринбург, ул. Мира, 19;;;urfu.ru;"
    "№ 3 от 15.01.2025",
    "Центр детского творчества «Радуга»;учреждение культуры, спорта;;;+7 343 222-33-44;raduga@mail.ru;;",
]


def take_mentoring(shooter: Shooter, accounts: dict[str, str]) -> None:
    driver = shooter.driver

    # The mentor: own pairs, one open pair, a request to be released.
    shooter.login(accounts["mentor"])
    shooter.go("/pairs/my/")
    shooter.shot("my-pairs-mentor")
    open_pair = driver.find_element(
        By.XPATH,
        "//ul[@data-testid='my-pairs']/li[.//span[contains(@class, 'badge')][normalize-space()='работает']]//a",
    )
    shooter.click(open_pair)
    shooter.shot("my-pair-mentor")
    shooter.click("[data-testid=request-link]")
    driver.find_element(By.NAME, "reason").send_keys(
        "Со следующей четверти у меня классное руководство в двух классах, не успеваю проводить встречи."
    )
    shooter.shot("request-form")
    shooter.click("[data-testid=request-form] [type=submit]")
    shooter.shot("my-pair-request")
    shooter.go("/mentors/me/")
    shooter.shot("my-mentor-profile")

    # The mentee: own pairs and the self-diagnostics.
    shooter.login(accounts["mentee"])
    shooter.go("/pairs/my/")
    shooter.shot("my-pairs-mentee")
    links = driver.find_elements(By.CSS_SELECTOR, "[data-testid=my-pairs] a")
    if links:
        shooter.click(links[0])
        shooter.shot("my-pair-mentee")
    shooter.go("/diagnostics/my/")
    shooter.shot("my-diagnostics")

    # The curator: registries and imports.
    shooter.login(accounts["curator"])
    shooter.go("/import/staff/")
    shooter.shot("import-staff")
    shooter.go("/import/students/")
    driver.find_element(By.NAME, "file").send_keys(str(_csv(shooter, "students.csv", STUDENT_ROWS)))
    shooter.click("[data-testid=import-check]")
    shooter.shot("import-students-preview")
    shooter.click("[data-testid=import-confirm]")
    shooter.shot("student-list")
    shooter.click(driver.find_element(By.PARTIAL_LINK_TEXT, "Смирнов"))
    shooter.shot("student-detail")
    shooter.go("/import/partners/")
    driver.find_element(By.NAME, "file").send_keys(str(_csv(shooter, "partners.csv", PARTNER_ROWS)))
    shooter.click("[data-testid=import-check]")
    shooter.click("[data-testid=import-confirm]")
    shooter.shot("partner-list")
    shooter.click(driver.find_element(By.PARTIAL_LINK_TEXT, "Уралмаш"))
    shooter.shot("partner-detail")

    # The mentee base and the diagnostics.
    shooter.go("/diagnostics/mentee-base/")
    shooter.shot("mentee-base")
    waiting = {
        a.text
        for a in driver.find_elements(
            By.CSS_SELECTOR, "[data-testid=mentee-base-table] tbody td:first-child a"
        )
    }
    shooter.go("/diagnostics/")
    shooter.shot("diagnostics-list")
    shooter.click(
        driver.find_element(
            By.XPATH,
            "//table[@data-testid='diagnostics-table']//tr[.//span[contains(@class, 'badge')]]//td[1]/a",
        )
    )
    shooter.shot("diagnostics-profile")

    # The mentor base: the list, a card, a new mentor with free places (the demo mentors are busy).
    shooter.go("/mentors/")
    shooter.shot("mentor-list")
    shooter.click(driver.find_element(By.CSS_SELECTOR, "[data-testid=mentor-table] tbody a"))
    shooter.shot("mentor-detail")
    shooter.go("/mentors/new/")
    shooter.shot("mentor-create")
    person = Select(driver.find_element(By.NAME, "staff"))
    new_mentor = next(name for o in person.options[1:] if (name := o.text.split(" (")[0]) not in waiting)
    person.select_by_visible_text(
        next(o.text for o in person.options if o.text.startswith(f"{new_mentor} ("))
    )
    capacity = driver.find_element(By.NAME, "capacity")
    capacity.clear()
    capacity.send_keys("3")
    shooter.click("[data-testid=mentor-save]")

    # The registry of the school year: composed and sent to the director.
    shooter.go("/mentors/registry/")
    for checkbox in driver.find_elements(By.CSS_SELECTOR, "[data-testid=registry-form] input[type=checkbox]"):
        if not checkbox.is_selected():
            checkbox.click()
    shooter.click("[data-testid=registry-save]")
    shooter.shot("mentor-registry-curator")
    shooter.click("[data-testid=registry-submit]")

    # Matching.
    shooter.go("/matching/")
    shooter.shot("matching-school")
    candidates = driver.find_elements(By.CSS_SELECTOR, "[data-testid=waiting-table] tbody .btn")
    if candidates:
        shooter.click(candidates[0])
        shooter.shot("matching-mentee")

    # Pairs: the list, an active pair (with the mentor's request), a draft and its consent form.
    shooter.go("/pairs/")
    shooter.shot("pair-list")
    shooter.go("/pairs/requests/")
    shooter.shot("request-list")
    shooter.click("[data-testid=request-review]")
    shooter.shot("pair-detail-active")
    shooter.login(accounts["curator"], width=MOBILE_WIDTH)
    shooter.go("/pairs/?status=draft")
    draft_url = driver.find_element(By.CSS_SELECTOR, "[data-testid=pair-table] tbody a").get_attribute("href")
    driver.get(draft_url)
    shooter.shot("pair-detail-mobile")
    shooter.login(accounts["curator"])
    driver.get(draft_url)
    visible(driver, "main")
    shooter.shot("pair-detail-draft")
    shooter.click("[data-testid=consent-record]")
    shooter.shot("consent-form")
    # Record the draft's missing consents (today, no scan) so that the director has a pair to fix.
    shooter.click("[data-testid=consent-save]")
    while records := driver.find_elements(By.CSS_SELECTOR, "[data-testid=consent-record]"):
        shooter.click(records[0])
        shooter.click("[data-testid=consent-save]")
    shooter.click("[data-testid=consents-collected]")

    # A draft «учитель – ученик» pair of the new mentor and a minor: the form, the card, the PDFs.
    shooter.go("/pairs/new/")
    shooter.shot("pair-create")
    form_select = Select(driver.find_element(By.NAME, "form"))
    form_id = next(o.get_attribute("value") for o in form_select.options if o.text == "учитель – ученик")
    shooter.go(f"/pairs/new/?form={form_id}")
    Select(driver.find_element(By.NAME, "kind")).select_by_index(1)
    shooter.set_value(driver.find_element(By.NAME, "planned_end_date"), f"{date.today().year + 1}-05-31")
    mentor = Select(driver.find_element(By.NAME, "mentor"))
    mentor.select_by_visible_text(
        next(o.text for o in mentor.options if o.text.startswith(f"{new_mentor} —"))
    )
    mentees = Select(driver.find_element(By.NAME, "mentees"))
    mentees.select_by_visible_text(
        next(o.text for o in mentees.options if o.text.startswith("Смирнов Артём"))
    )
    shooter.click("[data-testid=pair-save]")
    shooter.shot("pair-detail-student")
    forms = [a.get_attribute("href") for a in driver.find_elements(By.PARTIAL_LINK_TEXT, "Бланк")]
    records = driver.find_elements(By.CSS_SELECTOR, "[data-testid=consent-record]")
    shooter.download(forms[0].removeprefix(BASE_URL), "consent-adult.pdf")  # the mentor, a teacher
    shooter.download(forms[-1].removeprefix(BASE_URL), "consent-minor.pdf")  # the student's personal data
    shooter.click(records[-1])
    shooter.shot("consent-form-minor")

    # The director: the registry to approve and the draft, its consents now collected, to fix by order.
    shooter.login(accounts["director"])
    shooter.go("/mentors/registry/")
    shooter.shot("mentor-registry-director")
    driver.get(draft_url)
    shooter.click("[data-testid=pair-fix]")
    shooter.shot("pair-fix")


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
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),  # imports keep the previewed file there
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
        shooter = Shooter(driver, outdir, workdir)
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
