"""Permission cases of monitoring campaigns and of the participants' questionnaires.

The campaign belongs to municipality 1 (schools A and B); its pages are the methodists'. School B
takes part in the same campaign, so the campaign pages address an object its users must not open
(they are not methodists: 404), and the submission pages address school A's submission. The
questionnaire to fill is offered to the school-A mentee through a pair whose mentor is the school-A
mentor user. Builders are idempotent.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.models import Campaign, Submission, SubmissionStatus, SurveyKind
from monitoring.services_campaigns import open_campaign
from programs.models import MentoringForm, MentoringKind, MentoringPair, PairMentee, PairStatus
from programs.services.participants import participant_for
from schools.models import Staff
from schools.years import school_year_of
from tests.conftest import World
from tests.permission_cases.base import Case


def _campaign(w: World) -> Campaign:
    municipality = w.a.school.municipality
    with scopes_disabled():
        found = Campaign.objects.filter(municipality=municipality).first()
        return found or open_campaign(
            municipality=municipality, school_year=school_year_of(), acting_user=w.methodist_1
        )


def _submission(w: World, status: str = SubmissionStatus.DRAFT) -> Submission:
    campaign = _campaign(w)
    with scopes_disabled():
        submission = Submission.objects.get(campaign=campaign, school=w.a.school)
        if submission.status != status:
            submission.status = status
            submission.submitted_at = timezone.now() if status == SubmissionStatus.SUBMITTED else None
            submission.save(update_fields=["status", "submitted_at"])
        return submission


def _survey_pair(w: World) -> MentoringPair:
    year = school_year_of()
    with scopes_disabled():
        found = MentoringPair.objects.filter(school=w.a.school, mentee_links__mentee__staff=w.a.staff).first()
        if found:
            return found
        mentor, _ = Staff.objects.get_or_create(
            school=w.a.school,
            user=w.a.users["mentor"],
            defaults={"last_name": "Наставникова", "first_name": "Ольга", "position": "учитель"},
        )
        pair = MentoringPair.objects.create(
            school=w.a.school,
            mentor=participant_for(mentor),
            form=MentoringForm.objects.get(code="teacher-teacher"),
            kind=MentoringKind.objects.get(code="traditional"),
            start_date=date(year, 9, 15),
            planned_end_date=date(year + 1, 5, 31),
            status=PairStatus.FIXED,
            order_date=date(year, 9, 15),
            order_number="1-о",
        )
        PairMentee.objects.create(pair=pair, mentee=participant_for(w.a.staff))
        return pair


def _fill_kwargs(w: World) -> dict:
    _survey_pair(w)
    return {"kind": SurveyKind.MENTEE_SATISFACTION}


CASES = {
    # Campaigns: the methodist's list (school managers see their own submissions there).
    "monitoring:campaign-list": Case(owner_role="municipal_methodist"),
    "monitoring:campaign-open": Case(
        owner_role="municipal_methodist",
        method="post",
        data=lambda w: {"school_year": str(school_year_of()), "deadline": ""},
        owner_status=302,
    ),
    "monitoring:campaign-detail": Case(
        owner_role="municipal_methodist", kwargs=lambda w: {"pk": _campaign(w).pk}, addresses_object=True
    ),
    "monitoring:campaign-stage": Case(
        owner_role="municipal_methodist",
        kwargs=lambda w: {"pk": _campaign(w).pk},
        method="post",
        data=lambda w: {"stage": "external"},
        addresses_object=True,
        owner_status=302,
    ),
    "monitoring:submission-detail": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _submission(w).pk}, addresses_object=True
    ),
    "monitoring:submission-note": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _submission(w).pk},
        method="post",
        addresses_object=True,
        owner_status=302,
    ),
    "monitoring:submission-decide": Case(
        owner_role="municipal_methodist",
        kwargs=lambda w: {"pk": _submission(w, SubmissionStatus.SUBMITTED).pk},
        method="post",
        data=lambda w: {"decision": "return", "comment": "Дополните SWOT-анализ."},
        addresses_object=True,
        owner_status=302,
    ),
    # Questionnaires.
    "monitoring:my-surveys": Case(owner_role="mentee"),
    "monitoring:survey-fill": Case(owner_role="mentee", kwargs=_fill_kwargs),
    "monitoring:survey-results": Case(owner_role="curator"),
}
