"""The demo shows the monitoring with real numbers: last year's programs, campaigns, surveys, groups.

One ``seed_demo`` (the default 16 schools) serves the whole module; it is rolled back at the end.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django_scopes import scopes_disabled

from monitoring.compute import Period
from monitoring.models import (
    Campaign,
    CampaignStage,
    EffectivenessLevel,
    Submission,
    SubmissionStatus,
    SurveyKind,
    SurveyResponse,
)
from monitoring.report import build_municipal_report, build_school_note_figures
from monitoring.selectors_dashboards import school_dashboard, territory_dashboard
from monitoring.services_surveys import respondent_key
from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    MentoringPair,
    MentorProfile,
    PairMentee,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
)
from schools.demo import REFERENCE_DATE
from schools.models import Municipality, School
from schools.tenancy import school_scope
from schools.years import school_year_bounds, school_year_of

YEAR = school_year_of(REFERENCE_DATE)
PAST = YEAR - 1
PAST_START, PAST_END = school_year_bounds(PAST)
PAST_PERIOD = Period(PAST_START, PAST_END, PAST_END)


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The default demo, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
                yield
                raise _Rollback
        except _Rollback:
            pass


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_last_years_programs_ran_through_the_year_and_were_approved():
    with scopes_disabled():
        past = PersonalizedProgram.objects.filter(start_date__gte=PAST_START, start_date__lte=PAST_END)
        statuses = {s: past.filter(status=s).count() for s in ProgramStatus.values}
        assert statuses[ProgramStatus.COMPLETED] > 2 * statuses[ProgramStatus.ENDED_EARLY] > 0
        assert set(statuses) - {ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY} == {
            s for s, n in statuses.items() if n == 0
        }
        assert not past.filter(approved_at__isnull=True).exists()
        for program in past.select_related("pair"):
            assert program.approved_at.date() <= program.start_date
            assert PAST_START <= program.ended_on <= PAST_END
            if program.status == ProgramStatus.COMPLETED:
                assert program.mentor_report and program.mentee_reflection
            else:
                assert program.end_reason and program.end_reason == program.pair.end_reason
        best = past.filter(is_best_practice=True)
        assert best.exists()
        assert not best.exclude(status=ProgramStatus.COMPLETED).exists()
        assert not best.filter(best_practice_summary="").exists()
        assert best.filter(school__code="mo01-001").exists()
        # Last year's mentees worked at the school when their pair began.
        for link in PairMentee.objects.filter(pair__start_date__lte=PAST_END).select_related(
            "pair", "mentee__staff"
        ):
            assert link.mentee.staff.hire_date <= link.pair.start_date


def test_this_years_programs_are_in_progress_and_carry_their_approval():
    with scopes_disabled():
        current = PersonalizedProgram.objects.filter(start_date__gt=PAST_END)
        assert current.filter(status=ProgramStatus.IN_PROGRESS).count() > current.count() / 2
        assert not current.filter(status__in=(ProgramStatus.COMPLETED, ProgramStatus.ENDED_EARLY)).exists()
        assert not current.filter(approved_at__isnull=True).exists()
        assert MentoringPair.objects.filter(status=PairStatus.ACTIVE, start_date__gt=PAST_END).count() > 20


def test_some_mentors_work_with_a_group_within_their_capacity():
    with scopes_disabled():
        groups = [
            pair
            for pair in MentoringPair.objects.filter(start_date__gt=PAST_END).prefetch_related("mentee_links")
            if pair.is_group
        ]
        assert len(groups) >= 2
        assert all(2 <= len(g.mentee_links.all()) <= 4 and g.kind.code == "group" for g in groups)
        for profile in MentorProfile.objects.all():
            taken = PairMentee.objects.filter(
                pair__mentor=profile.participant, pair__status__in=(PairStatus.ACTIVE, PairStatus.FIXED)
            ).count()
            assert taken <= profile.capacity


def test_last_years_campaign_is_analysed_and_this_years_is_open():
    with scopes_disabled():
        for municipality in Municipality.objects.filter(region__code="demo-region"):
            schools = School.objects.filter(municipality=municipality, is_active=True).count()
            past = Campaign.objects.get(municipality=municipality, school_year=PAST)
            assert past.stage == CampaignStage.ANALYTICAL
            submissions = Submission.objects.filter(campaign=past)
            assert submissions.count() == schools
            by_status = {s: submissions.filter(status=s).count() for s in SubmissionStatus.values}
            assert by_status[SubmissionStatus.DRAFT] == 2  # late: never handed in
            assert by_status[SubmissionStatus.RETURNED] == 1
            assert by_status[SubmissionStatus.SUBMITTED] == 0  # nothing waits at the analytical stage
            assert by_status[SubmissionStatus.ACCEPTED] == schools - 3
            for s in submissions.exclude(status=SubmissionStatus.DRAFT):
                assert s.level and s.suggested_level and s.decisions and s.strengths and s.threats
                assert s.figures["as_of"] <= str(past.deadline) or s.submitted_at.date() > past.deadline
                assert s.figures["period"] == [str(PAST_START), str(PAST_END)]
                if s.figures["values"].get("programs_not_done"):
                    assert s.not_completed_reasons
            current = Campaign.objects.get(municipality=municipality, school_year=YEAR)
            assert current.stage == CampaignStage.INTERNAL
            assert set(Submission.objects.filter(campaign=current).values_list("status", flat=True)) == {
                SubmissionStatus.DRAFT
            }
        levels = set(Submission.objects.filter(campaign__school_year=PAST).values_list("level", flat=True))
        assert set(EffectivenessLevel.values) <= levels
        showcase = Submission.objects.get(school__code="mo01-001", campaign__school_year=PAST)
        assert showcase.status == SubmissionStatus.ACCEPTED
        assert showcase.note.status == DocumentStatus.APPROVED
        assert showcase.note.kind == DocumentKind.ANALYTICAL_NOTE


def test_last_years_participants_answered_the_questionnaires_once_each():
    with scopes_disabled():
        responses = SurveyResponse.objects.filter(school_year=PAST)
        for kind in SurveyKind.values:
            assert responses.filter(kind=kind).count() > 5, kind
        assert responses.filter(is_anonymous=True, respondent__isnull=True).exists()
        assert not responses.filter(score__isnull=True).exists()
        assert responses.filter(kind=SurveyKind.MENTOR_SATISFACTION, score__gte=4).exists()
        for response in responses:
            assert PAST_START <= response.submitted_at.date() <= PAST_END
        # A named answer of a demo account carries the service's key: its cabinet shows it as filled.
        for response in responses.filter(respondent__isnull=False).select_related("respondent", "school"):
            assert response.respondent_key == respondent_key(
                response.respondent, response.school, response.kind, PAST
            )
        # This year's questionnaires are left for the demo accounts to fill.
        assert not SurveyResponse.objects.filter(school_year=YEAR).exists()


def test_the_showcase_school_can_reward_last_years_mentors():
    from programs.documents.kinds.order_reward import completed_programs

    with scopes_disabled():
        school = School.objects.get(code="mo01-001")
        assert completed_programs(school, PAST).count() >= 2
        reward = Document.objects.get(school=school, kind=DocumentKind.ORDER_REWARD, school_year=PAST)
        assert reward.status == DocumentStatus.APPROVED


def _rows(table) -> list[list]:
    return [list(row) for row in table.rows]


def test_the_school_report_of_last_year_has_numbers():
    with scopes_disabled():
        school = School.objects.get(code="mo01-001")
    with school_scope([school.pk]):
        report = build_school_note_figures(school, PAST_PERIOD, use_snapshot=False)
    total = _rows(report.table("table6"))[-1]
    cohort, done, _done_share, not_done, _not_done_share = total[1:]
    assert cohort == done + not_done and done > 0 and not_done > 0
    levels = dict((row[0], row[1]) for row in _rows(report.table("table5")))
    assert all(value not in ("—", "", "не начаты") for value in levels.values()), levels
    assert len(_rows(report.table("swot"))) > 4
    assert "не заполнено" not in {row[1] for row in _rows(report.table("swot"))}
    assert report.values["mentor_responses"] > 0 and report.values["mentee_responses"] > 0
    assert report.values["mentor_satisfied"] > 0 and report.values["mentee_satisfied"] > 0
    assert report.values["docs_present"] == 7


def test_the_municipal_report_and_dashboards_of_last_year_have_numbers():
    municipality = Municipality.objects.get(code="mo01")
    with scopes_disabled():
        ids = list(School.objects.filter(municipality=municipality).values_list("pk", flat=True))
        school = School.objects.get(code="mo01-001")
    with school_scope(ids):
        report = build_municipal_report(municipality, PAST_PERIOD, use_snapshot=False)
        dashboard = territory_dashboard(
            [municipality.pk], PAST_START, PAST_END, PAST_END, with_previous=False
        )
        own = school_dashboard(school, PAST_START, PAST_END, PAST_END)
    programs = _rows(report.table("table6"))[-1]
    assert programs[2] > 0 and programs[3] > 0  # cohort and completed of all schools
    levels = {row[0]: row[-2] for row in _rows(report.table("table5"))}
    assert sum(levels.values()) == len(ids)
    swot = _rows(report.table("swot"))
    assert any(isinstance(row[-1], int) and row[-1] > 1 for row in swot)  # a point named by several schools
    headline = {h.code: h for h in dashboard.headlines}
    assert headline["completion_rate"].value > 0
    assert dashboard.totals["programs_done"] > 0
    assert dashboard.totals["mentor_satisfied"] > 0 and dashboard.totals["mentee_satisfied"] > 0
    assert {h.code: h for h in own.headlines}["completion_rate"].value > 0
    assert own.submission is not None


def test_a_second_run_leaves_the_monitoring_as_it_is():
    with scopes_disabled():
        before = (Campaign.objects.count(), SurveyResponse.objects.count())
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
        assert (Campaign.objects.count(), SurveyResponse.objects.count()) == before
        assert all(c.deadline == date(PAST + 1, 6, 30) for c in Campaign.objects.filter(school_year=PAST))
