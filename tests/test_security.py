"""Security headers and markup of every page, the production configuration, and secrets in the repository."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import ALL_ROLE_NAMES
from tests.test_permissions import CASES

BASE_DIR = Path(settings.BASE_DIR)

# Every page that answers GET for a logged-in role, opened as every role of school A; public pages
# opened anonymously. A page a role may not open (404) has nothing to check for that role.
ROLE_PAGES = sorted(name for name, case in CASES.items() if case.method == "get" and case.owner_role)
PUBLIC_PAGES = sorted(name for name, case in CASES.items() if case.method == "get" and case.public)


# --- Content Security Policy and the markup that must live with it -------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy header on {response.request['PATH_INFO']}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _nonce(directives: dict[str, list[str]]) -> str:
    script_src = directives.get("script-src", [])
    assert "'self'" in script_src, script_src
    assert "'unsafe-inline'" not in script_src, script_src
    assert "'unsafe-eval'" not in script_src, script_src
    nonces = [w[len("'nonce-") : -1] for w in script_src if w.startswith("'nonce-") and w.endswith("'")]
    assert len(nonces) == 1, f"script-src must carry exactly one nonce: {script_src}"
    assert len(nonces[0]) >= 16
    return nonces[0]


class _Markup(HTMLParser):
    """Collects what a strict CSP would block: inline scripts without the nonce, handlers, styles."""

    DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data blocks, never executed

    def __init__(self, nonce: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}> (line {self.getpos()[0]})"
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name) or name.startswith("hx-on"):
                self.problems.append(f"inline event handler {name}= in {where}")
            if name == "style":
                self.problems.append(f"style= attribute in {where}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in {where}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        is_stylesheet = tag == "link" and "stylesheet" in (a.get("rel") or "").split()
        if is_stylesheet and not (a.get("href") or "").startswith(settings.STATIC_URL):
            self.problems.append(f"stylesheet from elsewhere than {settings.STATIC_URL}: {where}")
        if tag == "script":
            if (a.get("type") or "").lower() in self.DATA_SCRIPT_TYPES:
                return
            self.scripts += 1
            src = a.get("src")
            if src is not None:
                if not src.startswith(settings.STATIC_URL):
                    self.problems.append(f"script from elsewhere than {settings.STATIC_URL}: {where}")
                if "nonce" in a and a["nonce"] != self.nonce:
                    self.problems.append(f"script with a stale nonce: {where}")
            elif a.get("nonce") != self.nonce:
                self.problems.append(f"inline script without the request's nonce: {where}")

    handle_startendtag = handle_starttag


def _assert_page_obeys_the_policy(response) -> None:
    directives = _policy(response)
    nonce = _nonce(directives)
    assert directives.get("style-src") == ["'self'"], directives.get("style-src")
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("base-uri") == ["'self'"]
    assert directives.get("form-action") == ["'self'"]

    markup = _Markup(nonce)
    markup.feed(response.content.decode())
    markup.close()
    assert not markup.problems, "\n".join(markup.problems)
    assert markup.scripts > 0, "the page loads no scripts at all: is it the real base template?"

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("role", ALL_ROLE_NAMES)
@pytest.mark.parametrize("name", ROLE_PAGES)
def test_every_page_of_every_role_has_a_strict_csp_and_no_inline_code_or_styles(client, world, name, role):
    case = CASES[name]
    client.force_login(world.user("a", role))
    response = client.get(reverse(name, kwargs=case.kwargs(world)), data=case.data(world))
    if role == case.owner_role:
        assert response.status_code == 200, f"{name} as its owner role {role}"
    if response.status_code == 404:  # not this role's page; test_permissions covers who gets what
        return
    if response.get("Content-Disposition", "").startswith("attachment"):  # a download (XLSX): no markup
        assert response["X-Content-Type-Options"] == "nosniff"
        return
    assert _is_html(response), f"{name} as {role}: {response.status_code} {response['Content-Type']}"
    _assert_page_obeys_the_policy(response)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_has_a_strict_csp_and_no_inline_code_or_styles(client, world, name):
    case = CASES[name]
    response = client.get(reverse(name, kwargs=case.kwargs(world)), data=case.data(world))
    if name == "healthz":
        assert response["Content-Type"] == "application/json"
        return
    if response["Content-Type"] == "application/pdf":  # a published document's file: no markup
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        return
    assert _is_html(response), f"{name}: {response.status_code}"
    _assert_page_obeys_the_policy(response)


def test_the_locked_out_page_has_a_strict_csp_too(client, world, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "a-curator", "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": "a-curator", "password": "wrong-password"})
    assert response.status_code == 429
    _assert_page_obeys_the_policy(response)


def test_the_nonce_is_new_on_every_request(client, world):
    client.force_login(world.user("a", "curator"))
    first = _nonce(_policy(client.get(reverse("home"))))
    second = _nonce(_policy(client.get(reverse("home"))))
    assert first != second


def test_no_page_may_be_framed(client, world):
    for response in (client.get(reverse("accounts:login")), client.get(reverse("healthz"))):
        assert response["X-Frame-Options"] == "DENY"


# --- Production configuration --------------------------------------------------------------------

_ENV_TO_DROP = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CACHE_URL",
    "EMAIL_URL",
    "NASTAVNIK_ALLOW_DEMO",
)


def _clean_env(**overrides: str) -> dict[str, str]:
    """The test process's environment without any Django or service configuration, plus overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in _ENV_TO_DROP}
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def _production_env(**overrides: str) -> dict[str, str]:
    return _clean_env(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60)[:60],
        DJANGO_ALLOWED_HOSTS="nastavnik.example.org",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        **overrides,
    )


def test_the_production_configuration_passes_the_deployment_checklist():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, f"manage.py check --deploy:\n{result.stdout}\n{result.stderr}"


def test_the_production_configuration_turns_on_https_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.ALLOWED_HOSTS, s.DEMO_ALLOWED)"
    )
    result = _run(["-c", code], _production_env(DJANGO_SETTINGS_MODULE="mentoring.settings"))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1]
        == "False True True True True True ['nastavnik.example.org'] False"
    )


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(secret_key):
    env = _clean_env(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="nastavnik.example.org")
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = _production_env()
    del env["DJANGO_ALLOWED_HOSTS"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_the_deployment_checklist_warns_when_jobs_would_run_inside_web_requests():
    env = _production_env()
    del env["CELERY_BROKER_URL"]
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "nastavnik.W001" in result.stderr + result.stdout


# --- No secrets in the repository ----------------------------------------------------------------

DEV_KEY = "dev-insecure-key-for-local-use-only"
# A value that says of itself that it is not a secret (a build-time throwaway, an example).
PLACEHOLDER = re.compile(
    r"throwaway|change-?me|example|placeholder|not-used|<[^>]*>|^(?:password|pass|pwd|secret|x+|\*+)$",
    re.IGNORECASE,
)
SECRET_PATTERNS = [
    # SECRET_KEY = "…", DJANGO_SECRET_KEY: …, SECRET_KEY=… with a literal (not ${VAR}) of 20+ characters.
    re.compile(r"SECRET_KEY[\"']?\s*[:=]\s*[\"']?(?!\$)([^\"'\s]{20,})"),
    # A password inside a connection URL: scheme://user:password@host (not a ${VAR} reference).
    re.compile(r"[a-z0-9+]+://[^/\s:@\"']+:(?!\$)([^@\s/\"']{4,})@", re.IGNORECASE),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----()"),
    # AWS access key ids and GitHub tokens.
    re.compile(r"\b(AKIA[0-9A-Z]{16})\b"),
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,})\b"),
]
SCANNED_SUFFIXES = {".py", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".sh", ".json", ".txt"}
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "staticfiles", "media", "var", "__pycache__"}


def _repository_files() -> list[Path]:
    """Files git tracks or would track (not ignored); every file outside the usual junk without git."""
    git = shutil.which("git")
    if git and (BASE_DIR / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        paths = [BASE_DIR / p for p in listed.split("\0") if p]
    else:
        paths = []
        for root, dirs, files in os.walk(BASE_DIR):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            paths += [Path(root) / f for f in files]
    return [p for p in paths if p.is_file() and "vendor" not in p.relative_to(BASE_DIR).parts]


def _is_config_or_code(path: Path) -> bool:
    name = path.name
    return (
        path.suffix in SCANNED_SUFFIXES
        or name.startswith((".env", "Dockerfile", "docker-compose"))
        or ".env" in name
        or name == "Makefile"
        or path.parent.name == ".ci"
    )


def _has_secret(line: str) -> bool:
    for pattern in SECRET_PATTERNS:
        for match in pattern.finditer(line):
            value = match.group(1)
            if value == DEV_KEY or (value and PLACEHOLDER.search(value)):
                continue
            return True
    return False


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('SECRET_KEY = "django-insecure-k3j4h5g6f7d8s9a0q1w2e3r4t5y6"', True),
        ("DJANGO_SECRET_KEY=Zq8vN2mX5pL9rT4wY7uI1oP3aS6dF0gH", True),
        ("  DJANGO_SECRET_KEY: 'Zq8vN2mX5pL9rT4wY7uI1oP3aS6dF0gH'", True),
        ("DATABASE_URL=postgres://nastavnik:S3cr3tPa55@db:5432/nastavnik", True),
        ("-----BEGIN RSA PRIVATE KEY-----", True),
        ('SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")', False),
        ("DJANGO_SECRET_KEY: ${DJANGO_SECRET_KEY:?set it in .env}", False),
        ("DJANGO_SECRET_KEY=change-me-to-a-long-random-string", False),
        ("DATABASE_URL: postgres://nastavnik:${POSTGRES_PASSWORD}@db:5432/nastavnik", False),
        ("# smtp+tls://user:password@smtp.example.ru:587", False),
    ],
)
def test_the_secret_scanner_tells_a_hard_coded_secret_from_a_reference_or_placeholder(line, secret):
    assert _has_secret(line) is secret


def test_no_secret_is_committed_to_the_repository():
    this_file = Path(__file__).resolve()
    offenders = []
    for path in _repository_files():
        if path.resolve() == this_file or not _is_config_or_code(path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(BASE_DIR)}:{lineno}: {line.strip()[:120]}"
            for lineno, line in enumerate(text.splitlines(), 1)
            if _has_secret(line)
        ]
    assert not offenders, "Possible secrets in the repository:\n" + "\n".join(offenders)


def test_no_env_file_with_real_values_is_committed():
    allowed = {".env.example", ".env.sample", ".env.template", ".env.dist"}
    env_files = [
        p.relative_to(BASE_DIR)
        for p in _repository_files()
        if (p.name == ".env" or p.name.startswith(".env.")) and p.name not in allowed
    ]
    assert not env_files, f"environment files with real values belong outside the repository: {env_files}"


def test_the_development_key_is_only_a_default_while_debug_is_on():
    uses = [
        (path.relative_to(BASE_DIR), lineno, line)
        for path in _repository_files()
        if path.suffix == ".py" and path.resolve() != Path(__file__).resolve()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DEV_KEY in line
    ]
    assert [str(u[0]) for u in uses] == [os.path.join("mentoring", "settings.py")], uses
    assert "DEBUG" in uses[0][2], f"the development key must be conditional on DEBUG: {uses[0][2]}"
