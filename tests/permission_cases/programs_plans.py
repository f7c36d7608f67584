"""Permission cases of the program screens: the list, creation, a program's card and its steps,
activities and their evidence, a member's own programs.

The school-A program of these cases belongs to the pair of tests/permission_cases/pairs.py (the
school-A mentor user mentors the marker person, whose account is the school-A mentee user), so the
marker name is on every page of it. Creation pages use a second pair that never gets a program.
Builders are idempotent: a case may be called several times in one test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    ActivityType,
    MentoringPair,
    PersonalizedProgram,
    PlanActivity,
    ProgramTemplate,
    ResponsibleRole,
)
from programs.services.pairs import create_pair
from programs.services.participants import participant_for
from tests import programs_factories as f
from tests.conftest import World
from tests.factories import StaffFactory
from tests.permission_cases.base import Case
from tests.permission_cases.pairs import _pair

EVIDENCE_NAME = "test-permission-cases/evidence.pdf"


def _program(w: World) -> PersonalizedProgram:
    pair = _pair(w)
    with scopes_disabled():
        existing = PersonalizedProgram.objects.filter(pair=pair).first()
        if existing is not None:
            return existing
        program = PersonalizedProgram.objects.create(
            school=w.a.school,
            pair=pair,
            title="Программа пары",
            goal="Цель",
            expected_results="Результаты",
            start_date=date(2026, 9, 1),
            end_date=date(2027, 5, 31),
        )
        path = Path(settings.MEDIA_ROOT) / EVIDENCE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n% permission case\n")
        PlanActivity.objects.create(
            program=program,
            title="Посещение урока",
            activity_type=ActivityType.LESSON_VISIT,
            due_date=date(2026, 9, 15),
            responsible=ResponsibleRole.MENTOR,
            status=ActivityStatus.PLANNED,
            evidence_file=EVIDENCE_NAME,
        )
        return program


def _activity(w: World) -> PlanActivity:
    program = _program(w)
    with scopes_disabled():
        return PlanActivity.objects.filter(program=program).order_by("pk").first()


def _bare_pair(w: World) -> MentoringPair:
    """A second school-A pair of the same mentor, without a program (for the creation pages)."""
    _pair(w)
    with scopes_disabled():
        existing = MentoringPair.objects.filter(
            school=w.a.school, mentee_links__mentee__staff__last_name="Безпрограммная"
        ).first()
        if existing is not None:
            return existing
        mentor = participant_for(w.a.users["mentor"].staff_records.get(school=w.a.school))
        return create_pair(
            school=w.a.school,
            mentor=mentor,
            mentees=[participant_for(StaffFactory(school=w.a.school, last_name="Безпрограммная"))],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 5, 31),
            acting_user=w.a.users["curator"],
        )


def _template(w: World) -> ProgramTemplate:
    with scopes_disabled():
        return ProgramTemplate.objects.filter(is_active=True).order_by("order").first()


def _with_program(w: World) -> dict:
    """No URL arguments, but school A has a program (so a list page has something to leak)."""
    _program(w)
    return {}


def _program_case(owner: str = "curator", **kwargs) -> Case:
    return Case(owner_role=owner, kwargs=lambda w: {"pk": _program(w).pk}, addresses_object=True, **kwargs)


def _activity_case(owner: str, **kwargs) -> Case:
    return Case(owner_role=owner, kwargs=lambda w: {"pk": _activity(w).pk}, addresses_object=True, **kwargs)


CASES: dict[str, Case] = {
    "programs:program-list": Case(owner_role="curator", kwargs=_with_program),
    "programs:program-create": Case(
        owner_role="curator", kwargs=lambda w: {"pair_pk": _bare_pair(w).pk}, addresses_object=True
    ),
    "programs:program-create-blank": Case(
        owner_role="curator", kwargs=lambda w: {"pair_pk": _bare_pair(w).pk}, addresses_object=True
    ),
    "programs:program-create-from-template": Case(
        owner_role="curator",
        kwargs=lambda w: {"pair_pk": _bare_pair(w).pk, "template_pk": _template(w).pk},
        addresses_object=True,
    ),
    "programs:program-detail": _program_case(),
    "programs:program-edit": _program_case(),
    "programs:program-plan": _program_case(),
    "programs:program-approve": _program_case(method="post", owner_status=302),
    "programs:program-start": _program_case(method="post", owner_status=302),
    "programs:program-complete": _program_case(method="post", owner_status=302),
    "programs:program-end": _program_case(),
    "programs:program-extend": _program_case(),
    "programs:program-best-practice": _program_case(owner="director"),
    "programs:activity-status": _activity_case("mentor"),
    "programs:activity-file": _activity_case("curator"),
    "programs:my-programs": Case(owner_role="mentee", kwargs=_with_program),
    "programs:my-program": _program_case(owner="mentee"),
    "programs:program-report": _program_case(owner="mentor"),
}
