"""Gates that fail when someone adds a path around the tenancy layer.

1. Every model of the project's apps is either scoped to a school (its default manager is a
   SchoolScopedManager) or listed below as global, with the reason.
2. The ways to lift or bypass the scope — ``scopes_disabled``, ``with_scopes_disabled``,
   ``_base_manager``, raw SQL — appear only in the modules listed below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from schools.tenancy import SchoolScopedManager

PROJECT_APPS = {"schools", "programs", "monitoring"}
ROOT = Path(__file__).resolve().parent.parent

# Models that do not belong to one school. Each entry says why reading it unscoped is safe.
GLOBAL_MODELS = {
    "schools.Region": "a territory; names of regions are public",
    "schools.Municipality": "a territory; names of municipalities are public",
    "schools.User": "identity; screens reach people through scoped staff and memberships",
    "programs.MentoringForm": "catalog shared by all schools",
    "programs.RoleModel": "catalog shared by all schools",
    "programs.MentoringKind": "catalog shared by all schools",
    "programs.DifficultyArea": "catalog shared by all schools",
    "programs.ProgramTemplate": "library of typical programs shared by all schools",
    "programs.ProgramTemplateActivity": "part of the shared library of typical programs",
    "programs.NotificationPreference": "a user's own setting, read only for request.user",
    "schools.Job": "the log of background jobs (task names, ids, states; e-mail arguments are not kept), "
    "read by the worker, the admin site and the jobs command only",
}

# Modules allowed to lift the scope, and why.
SCOPE_LIFTERS = {
    "schools/tenancy.py": "the scoping layer itself (resolving the user's contexts, admin scope)",
    "schools/admin_site.py": "the Django admin, open to platform administrators only",
    "schools/demo.py": "demo data generator, run from the command line",
    "schools/audit.py": "masks the audit entries of exactly the rows of a person being anonymised, "
    "also those written outside any school (commands, seeding); reads the school ids of exactly "
    "the rows a bulk write just wrote, and inserts their entries",
    "schools/audit_queryset.py": "a bulk write reads back exactly the rows its own (scoped) "
    "queryset matched — selected by primary key from that queryset — to itemise them in the trail",
}
BYPASS_NAMES = {"scopes_disabled", "with_scopes_disabled", "_base_manager", "raw", "cursor"}
# healthz runs «SELECT 1»; the job table takes PostgreSQL advisory locks — no tenant data.
CURSOR_ALLOWED = {"schools/views.py", "schools/jobs.py"}


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            yield model


@pytest.mark.parametrize("model", list(_project_models()), ids=lambda m: m._meta.label)
def test_every_model_is_scoped_to_a_school_or_declared_global(model):
    label = model._meta.label
    if label in GLOBAL_MODELS:
        assert not isinstance(model._default_manager, SchoolScopedManager)
        return
    assert isinstance(model._default_manager, SchoolScopedManager), (
        f"{label} has no SchoolScopedManager: declare objects = SchoolScopedManager('<path to school>') "
        f"or add it to GLOBAL_MODELS with a reason."
    )
    assert model._default_manager.name == "objects"


def _python_files():
    for app in sorted(PROJECT_APPS | {"mentoring"}):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path


def _bypasses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in BYPASS_NAMES:
            used.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in BYPASS_NAMES:
            used.add(node.id)
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in BYPASS_NAMES:
            used.add(node.name.split(".")[-1])
    return used


def test_only_listed_modules_lift_the_school_scope():
    offenders = {}
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        used = _bypasses(path)
        if rel in CURSOR_ALLOWED:
            used.discard("cursor")
        if rel in SCOPE_LIFTERS or "management/commands" in rel:
            continue
        if used:
            offenders[rel] = sorted(used)
    assert not offenders, (
        f"These modules bypass the tenancy layer: {offenders}. Read through scoped managers, or add the "
        f"module to SCOPE_LIFTERS in tests/test_tenancy_gate.py with the reason."
    )


def test_the_gate_sees_a_bypass(tmp_path):
    sample = tmp_path / "leak.py"
    sample.write_text("from django_scopes import scopes_disabled\nwith scopes_disabled():\n    pass\n")
    assert _bypasses(sample) == {"scopes_disabled"}
