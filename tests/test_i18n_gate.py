"""Gate: every piece of Russian interface text is marked for translation.

Russian is the source language, so an unmarked string still shows up correctly today; the gate
keeps it that way that every string can reach a translation catalogue (and that none is missed
when the interface gets a second language).

- Templates (templates/ and <app>/templates/, *.html and *.txt): after removing ``{% translate %}``
  / ``{% trans %}`` tags, ``{% blocktranslate %}…{% endblocktranslate %}`` blocks, ``_("…")``
  arguments and comments, no Cyrillic letter may remain.
- Python code of the apps and the project package (not migrations, management commands or the demo
  data, which write data rather than interface text): a string literal with Cyrillic letters must
  be the argument of a gettext call or a docstring.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")

# --- Templates -----------------------------------------------------------------------------------

_TEMPLATE_MARKED = [
    re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL),
    re.compile(r"\{#.*?#\}", re.DOTALL),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.DOTALL),
    re.compile(r"\{%\s*trans(?:late)?\s.*?%\}", re.DOTALL),
    # _("…") in a variable or filter argument: {{ value|yesno:_("да,нет") }}
    re.compile(r"""\b_\(\s*(?:"[^"]*"|'[^']*')\s*\)"""),
]


def _template_files() -> list[Path]:
    roots = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]
    return sorted(
        p
        for root in roots
        if root.is_dir() and not root.parent.name.startswith(".")
        for p in root.rglob("*")
        if p.suffix in (".html", ".txt") and p.is_file()
    )


def _strip_marked(text: str) -> str:
    """Blank out marked text, keeping the line breaks so that line numbers stay right."""
    for pattern in _TEMPLATE_MARKED:
        text = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return text


def unmarked_template_lines(text: str) -> list[tuple[int, str]]:
    return [
        (lineno, line.strip())
        for lineno, line in enumerate(_strip_marked(text).splitlines(), 1)
        if CYRILLIC.search(line)
    ]


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ('{% translate "Войти" %}', []),
        ("{% trans 'Войти' as label %}{{ label }}", []),
        ('{% translate "Войти" context "кнопка" %}', []),
        ("{% blocktranslate with n=x %}Страница\n{{ n }}{% endblocktranslate %}", []),
        ("{% blocktrans count n=x %}{{ n }} день{% plural %}{{ n }} дней{% endblocktrans %}", []),
        ('{{ v|yesno:_("есть,нет") }}', []),
        ("{# Комментарий #}\n{% comment %}\nСтарый текст\n{% endcomment %}", []),
        ("<p>Войти</p>", [(1, "<p>Войти</p>")]),
        ('{% translate "Да" %}\n<b>Нет</b>', [(2, "<b>Нет</b>")]),
        ("{% blocktranslate %}Да{% endblocktranslate %} или нет", [(1, "или нет")]),
        ('<input placeholder="Поиск">', [(1, '<input placeholder="Поиск">')]),
    ],
)
def test_the_template_scanner_finds_exactly_the_unmarked_russian_text(source, unmarked):
    assert unmarked_template_lines(source) == unmarked


def test_there_are_templates_to_check():
    names = {p.name for p in _template_files()}
    assert {"base.html", "login.html", "staff_list.html", "password_reset_email.txt"} <= names


def test_every_russian_text_in_templates_is_marked_for_translation():
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{lineno}: {line}"
        for path in _template_files()
        for lineno, line in unmarked_template_lines(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "Russian text outside {% translate %}/{% blocktranslate %}:\n" + "\n".join(
        offenders
    )


# --- Python --------------------------------------------------------------------------------------

PYTHON_PACKAGES = ["schools", "programs", "monitoring", "mentoring"]
# Data, not interface: migrations, management commands (they print to operators and write demo rows)
# and the demo data set itself.
SKIPPED_PARTS = {"migrations", "management"}
SKIPPED_FILES = {Path("schools/demo.py"), Path("programs/demo.py"), Path("monitoring/demo.py")}
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Deliberate exceptions, each with its reason. Keep this tiny.
ALLOWED_LITERALS = {
    # A language is named in that language itself (an autonym), whatever the interface language.
    ("mentoring/settings.py", "Русский"),
    # The default sender name of e-mails: configuration read at start-up, overridden by the
    # DEFAULT_FROM_EMAIL variable of the environment; an e-mail header is not translated per request.
    ("mentoring/settings.py", "Наставник <noreply@localhost>"),
    # Vowel letters by which anonymisation finds the declined forms of a Russian name: data, not text.
    ("schools/services_personal_data.py", "аяеёиоуыэюьй"),
}


def _python_files() -> list[Path]:
    files = []
    for package in PYTHON_PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            rel = path.relative_to(BASE_DIR)
            if SKIPPED_PARTS & set(rel.parts) or rel in SKIPPED_FILES:
                continue
            files.append(path)
    return files


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def unmarked_python_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and CYRILLIC.search(node.value)
        ):
            continue
        parent = parents.get(node)
        # A string standing alone as a statement: a docstring (or a comment written as a string).
        if isinstance(parent, ast.Expr):
            continue
        if _call_name(parent) in GETTEXT_FUNCTIONS and node in parent.args:
            continue
        found.append((node.lineno, node.value))
    return found


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ('label = _("Войти")', []),
        ('label = gettext_lazy("Войти")', []),
        ('label = translation.pgettext("кнопка", "Войти")', []),
        ('label = ngettext("день", "дней", n)', []),
        ('def f():\n    """Документация."""\n    return 1', []),
        ('class A:\n    """Документация."""', []),
        ('label = "Войти"', [(1, "Войти")]),
        ('label = _("Войти") + " сейчас"', [(1, " сейчас")]),
        ('label = f"Привет, {name}"', [(1, "Привет, ")]),
        ('x = {"ОУ": 1}', [(1, "ОУ")]),
        ('x = _(default="Войти")', [(1, "Войти")]),
        ('label = "Login"', []),
    ],
)
def test_the_python_scanner_finds_exactly_the_unmarked_russian_literals(source, unmarked):
    assert unmarked_python_literals(source) == unmarked


def test_every_russian_literal_in_python_is_marked_for_translation():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(BASE_DIR).as_posix()
        for lineno, value in unmarked_python_literals(path.read_text(encoding="utf-8")):
            if (rel, value) not in ALLOWED_LITERALS:
                offenders.append(f"{rel}:{lineno}: {value!r}")
    assert not offenders, "Russian string literals outside _()/gettext():\n" + "\n".join(offenders)


def test_the_allowlist_has_no_stale_entries():
    present = {
        (path.relative_to(BASE_DIR).as_posix(), value)
        for path in _python_files()
        for _, value in unmarked_python_literals(path.read_text(encoding="utf-8"))
    }
    assert present >= ALLOWED_LITERALS, f"remove from ALLOWED_LITERALS: {ALLOWED_LITERALS - present}"
