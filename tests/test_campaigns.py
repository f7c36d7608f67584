"""Monitoring campaigns: opening, stages, the curator's submission, the methodist's decision, late schools."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring import services_campaigns as svc
from monitoring.compute import Period, Scope, school_values
from monitoring.models import (
    Campaign,
    CampaignStage,
    EffectivenessLevel,
    Submission,
    SubmissionStatus,
)
from programs.models import Document, DocumentKind, DocumentStatus, ProgramStatus
from programs.services import documents as documents_svc
from schools.years import school_year_of
from tests.factories import SchoolFactory, StaffFactory
from tests.programs_factories import mentor
from tests.test_indicators import pair, program

YEAR = school_year_of()
TODAY = timezone.localdate()
COMPLETE = {
    "level": EffectivenessLevel.ACCEPTABLE,
    "strengths": "Сложилась команда наставников.",
    "weaknesses": "Не все пары вели журнал.",
    "opportunities": "Сетевое наставничество с вузом.",
    "threats": "Нагрузка педагогов.",
    "not_completed_reasons": "Переезд наставляемого.",
    "decisions": "Продолжить программу, обучить наставников.",
}


def open_campaign(world, **kw) -> Campaign:
    with scopes_disabled():
        return svc.open_campaign(
            municipality=world.a.school.municipality,
            school_year=kw.pop("school_year", YEAR),
            acting_user=world.methodist_1,
            **kw,
        )


def submission_of(campaign: Campaign, place) -> Submission:
    with scopes_disabled():
        return Submission.objects.select_related("campaign", "school").get(
            campaign=campaign, school=place.school
        )


def save(world, submission, data=COMPLETE, place=None):
    place = place or world.a
    with scopes_disabled():
        return svc.save_submission(submission=submission, data=data, acting_user=place.users["curator"])


def submit(world, submission, place=None, **kw):
    place = place or world.a
    with scopes_disabled():
        return svc.submit_submission(submission=submission, acting_user=place.users["curator"], **kw)


def signed_note(world, submission, place=None) -> Document:
    """The curator prepares the note from the submission, the director approves it."""
    place = place or world.a
    with scopes_disabled():
        note = svc.prepare_note(submission=submission, acting_user=place.users["curator"])
        documents_svc.submit_document(document=note, acting_user=place.users["curator"])
        return documents_svc.approve_document(document=note, acting_user=place.users["director"])


def handed_in(world, campaign, place=None) -> Submission:
    place = place or world.a
    submission = submission_of(campaign, place)
    save(world, submission, place=place)
    return submit(world, submission, place=place)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Opening ---------------------------------------------------------------------------------------


def test_opening_a_campaign_creates_a_draft_submission_for_every_active_school_of_the_municipality(world):
    with scopes_disabled():
        closed = SchoolFactory(municipality=world.a.school.municipality, is_active=False)
    campaign = open_campaign(world)
    assert campaign.title == (
        f"Мониторинг реализации целевой модели наставничества, {YEAR}/{YEAR + 1} учебный год"
    )
    assert campaign.deadline == date(YEAR + 1, 6, 30)
    assert campaign.stage == CampaignStage.INTERNAL
    with scopes_disabled():
        schools = set(Submission.objects.filter(campaign=campaign).values_list("school_id", "status"))
    assert schools == {
        (world.a.school.pk, SubmissionStatus.DRAFT),
        (world.b.school.pk, SubmissionStatus.DRAFT),
    }
    assert closed.pk not in {s for s, _ in schools}


def test_a_municipality_has_one_campaign_per_school_year(world):
    open_campaign(world)
    with pytest.raises(svc.CampaignError) as excinfo:
        open_campaign(world)
    assert "уже открыта" in errors_of(excinfo)["school_year"][0]


def test_a_campaign_cannot_be_opened_for_a_future_year_or_with_a_deadline_before_the_year(world):
    with pytest.raises(svc.CampaignError) as excinfo:
        open_campaign(world, school_year=YEAR + 1)
    assert "school_year" in errors_of(excinfo)
    with pytest.raises(svc.CampaignError) as excinfo:
        open_campaign(world, deadline=date(YEAR, 8, 1))
    assert "Срок внутреннего мониторинга" in errors_of(excinfo)["deadline"][0]


def test_the_methodist_opens_a_campaign_from_the_list_page(client, world):
    client.force_login(world.methodist_1)
    response = client.post(reverse("monitoring:campaign-open"), {"school_year": YEAR, "deadline": ""})
    with scopes_disabled():
        campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:campaign-detail", kwargs={"pk": campaign.pk})
    again = client.post(reverse("monitoring:campaign-open"), {"school_year": YEAR})
    assert "уже открыта" in again.content.decode()


def test_a_curator_sees_the_school_submission_in_the_campaign_list(client, world):
    campaign = open_campaign(world)
    client.force_login(world.a.users["curator"])
    html = client.get(reverse("monitoring:campaign-list")).content.decode()
    assert reverse("monitoring:submission-detail", kwargs={"pk": submission_of(campaign, world.a).pk}) in html
    assert (
        reverse("monitoring:submission-detail", kwargs={"pk": submission_of(campaign, world.b).pk})
        not in html
    )


# --- Stages ----------------------------------------------------------------------------------------


def change(world, campaign, stage, municipality=None, **kw):
    with scopes_disabled():
        return svc.change_stage(
            campaign=campaign,
            stage=stage,
            acting_user=world.methodist_1,
            municipality=municipality or world.a.school.municipality,
            **kw,
        )


def test_stages_go_forward_one_step_at_a_time(world):
    campaign = open_campaign(world)
    with pytest.raises(svc.CampaignError) as excinfo:
        change(world, campaign, CampaignStage.ANALYTICAL)
    assert "по порядку" in errors_of(excinfo)["stage"][0]
    assert change(world, campaign, CampaignStage.EXTERNAL).stage == CampaignStage.EXTERNAL


def test_the_analytical_stage_waits_for_decisions_and_asks_to_exclude_unaccepted_schools(world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    change(world, campaign, CampaignStage.EXTERNAL)
    with pytest.raises(svc.CampaignError) as excinfo:
        change(world, campaign, CampaignStage.ANALYTICAL)
    assert "Материалы ждут решения методиста: МБОУ СОШ № 1" in errors_of(excinfo)["stage"][0]

    signed_note(world, submission)
    with scopes_disabled():
        svc.accept_submission(
            submission=submission, acting_user=world.methodist_1, municipality=world.a.school.municipality
        )
    with pytest.raises(svc.CampaignError) as excinfo:
        change(world, campaign, CampaignStage.ANALYTICAL)
    assert "МБОУ СОШ № 2" in errors_of(excinfo)["exclude_unaccepted"][0]

    assert change(world, campaign, CampaignStage.ANALYTICAL, exclude_unaccepted=True).stage == "analytical"
    closed = change(world, campaign, CampaignStage.CLOSED)
    assert closed.closed_at is not None
    with pytest.raises(svc.CampaignError):
        change(world, campaign, CampaignStage.CLOSED)


def test_the_analytical_stage_opens_without_confirmation_when_every_submission_is_accepted(world):
    campaign = open_campaign(world)
    for place in (world.a, world.b):
        submission = handed_in(world, campaign, place)
        signed_note(world, submission, place)
        with scopes_disabled():
            svc.accept_submission(
                submission=submission, acting_user=world.methodist_1, municipality=world.a.school.municipality
            )
    change(world, campaign, CampaignStage.EXTERNAL)
    assert change(world, campaign, CampaignStage.ANALYTICAL).stage == CampaignStage.ANALYTICAL


def test_only_the_methodist_of_the_campaign_municipality_changes_its_stage(world):
    campaign = open_campaign(world)
    with pytest.raises(svc.CampaignError):
        change(world, campaign, CampaignStage.EXTERNAL, municipality=world.c.school.municipality)
    with scopes_disabled(), pytest.raises(svc.CampaignError):
        svc.change_stage(
            campaign=campaign, stage="external", acting_user=world.a.users["curator"], municipality=None
        )


def test_a_draft_is_frozen_at_the_external_stage_but_a_returned_submission_can_be_corrected(world):
    campaign = open_campaign(world)
    a = handed_in(world, campaign)
    change(world, campaign, CampaignStage.EXTERNAL)
    with pytest.raises(svc.CampaignError) as excinfo:
        save(world, submission_of(campaign, world.b), place=world.b)
    assert "Внутренний этап кампании завершён" in excinfo.value.messages[0]
    with scopes_disabled():
        svc.return_submission(
            submission=a,
            comment="Уточните решения.",
            acting_user=world.methodist_1,
            municipality=world.a.school.municipality,
        )
    a = save(world, submission_of(campaign, world.a), data={**COMPLETE, "decisions": "Новые решения."})
    assert submit(world, a).status == SubmissionStatus.SUBMITTED


# --- The curator's submission -----------------------------------------------------------------------


def test_only_the_curator_of_the_school_saves_the_submission(world):
    campaign = open_campaign(world)
    submission = submission_of(campaign, world.a)
    for user in (world.a.users["director"], world.b.users["curator"]):
        with scopes_disabled(), pytest.raises(svc.CampaignError):
            svc.save_submission(submission=submission, data=COMPLETE, acting_user=user)


def test_submitting_names_every_missing_field(world):
    campaign = open_campaign(world)
    submission = submission_of(campaign, world.a)
    with pytest.raises(svc.CampaignError) as excinfo:
        submit(world, submission)
    errors = errors_of(excinfo)
    assert errors["level"] == ["Выберите уровень эффективности."]
    assert errors["strengths"] == ["Заполните поле «Сильные стороны» SWOT-анализа."]
    assert errors["weaknesses"] == ["Заполните поле «Слабые стороны» SWOT-анализа."]
    assert errors["opportunities"] == ["Заполните поле «Возможности» SWOT-анализа."]
    assert errors["threats"] == ["Заполните поле «Угрозы» SWOT-анализа."]
    assert errors["decisions"] == ["Заполните поле «Управленческие решения»."]
    assert "not_completed_reasons" not in errors  # no unfinished programs: reasons are optional


def test_reasons_are_required_when_the_school_has_unfinished_programs(world):
    school = world.a.school
    p = pair(school, mentor(school), [StaffFactory(school=school, experience_years=1)])
    program(p, status=ProgramStatus.IN_PROGRESS)
    campaign = open_campaign(world)
    submission = save(world, submission_of(campaign, world.a), data={**COMPLETE, "not_completed_reasons": ""})
    with pytest.raises(svc.CampaignError) as excinfo:
        submit(world, submission)
    assert errors_of(excinfo) == {
        "not_completed_reasons": ["Незавершённых программ: 1. Укажите причины их невыполнения."]
    }


def test_submitting_stores_the_school_indicators_of_that_moment(world):
    school = world.a.school
    p = pair(school, mentor(school), [StaffFactory(school=school, experience_years=1)])
    program(p, status=ProgramStatus.IN_PROGRESS)
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.submitted_by == world.a.users["curator"]
    with scopes_disabled():
        start, end = date(YEAR, 9, 1), date(YEAR + 1, 8, 31)
        expected, details = school_values(Scope(school_id=school.pk), Period(start, end, min(end, TODAY)))[
            school.pk
        ]
    values = submission.figures["values"]
    assert submission.figures["as_of"] == min(end, TODAY).isoformat()
    assert {k: values[k] for k in expected} == expected
    assert values["pairs"] == 1 and values["programs_not_done"] == 1
    assert values["completion_rate"] == 0.0 and values["young_coverage"] is not None
    assert submission.figures["details"] == details
    assert submission.suggested_level == EffectivenessLevel.UNACCEPTABLE  # 0 % of programs completed


# --- The suggested level ----------------------------------------------------------------------------

BASE = {"package_complete": 1, "package_not_formed": 0, "docs_present": 7, "pairs": 1, "groups": 0}


@pytest.mark.parametrize(
    ("values", "level"),
    [
        ({**BASE, "completion_rate": Decimal("80.0"), "young_coverage": Decimal("80.0")}, "optimal"),
        ({**BASE, "completion_rate": Decimal("79.9"), "young_coverage": Decimal("100.0")}, "acceptable"),
        ({**BASE, "completion_rate": Decimal("100.0"), "young_coverage": Decimal("79.9")}, "acceptable"),
        ({**BASE, "completion_rate": Decimal("50.0"), "young_coverage": Decimal("50.0")}, "acceptable"),
        ({**BASE, "completion_rate": Decimal("49.9"), "young_coverage": Decimal("100.0")}, "unacceptable"),
        ({**BASE, "completion_rate": Decimal("100.0"), "young_coverage": Decimal("49.9")}, "unacceptable"),
        # A share without a denominator pulls nothing down.
        ({**BASE, "completion_rate": None, "young_coverage": None}, "optimal"),
        ({**BASE, "completion_rate": None, "young_coverage": Decimal("10.0")}, "unacceptable"),
        # Documents: 1–6 of 7 allow «acceptable», none means «unacceptable».
        (
            {
                **BASE,
                "package_complete": 0,
                "docs_present": 6,
                "completion_rate": None,
                "young_coverage": None,
            },
            "acceptable",
        ),
        (
            {
                **BASE,
                "package_complete": 0,
                "package_not_formed": 1,
                "docs_present": 0,
                "completion_rate": Decimal("100.0"),
                "young_coverage": Decimal("100.0"),
            },
            "unacceptable",
        ),
        # Without a single counted pair or group the level is at most acceptable.
        ({**BASE, "pairs": 0, "groups": 0, "completion_rate": None, "young_coverage": None}, "acceptable"),
        ({**BASE, "pairs": 0, "groups": 1, "completion_rate": None, "young_coverage": None}, "optimal"),
    ],
)
def test_the_suggested_level_follows_the_documented_rule(values, level):
    assert svc.suggest_level(values) == level


def test_the_suggested_level_computes_shares_from_bare_counts():
    counts = {**BASE, "programs_cohort": 10, "programs_done": 8, "young_teachers": 5, "young_mentees": 4}
    assert svc.suggest_level(counts) == EffectivenessLevel.OPTIMAL
    assert svc.suggest_level({**counts, "programs_done": 7}) == EffectivenessLevel.ACCEPTABLE


# --- The methodist's decision -------------------------------------------------------------------------


def test_acceptance_needs_the_analytical_note_signed_by_the_director(world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    mun = world.a.school.municipality
    with scopes_disabled(), pytest.raises(svc.CampaignError) as excinfo:
        svc.accept_submission(submission=submission, acting_user=world.methodist_1, municipality=mun)
    assert "не подписана руководителем" in excinfo.value.messages[0]
    note = signed_note(world, submission)
    assert note.status == DocumentStatus.APPROVED
    with scopes_disabled():
        accepted = svc.accept_submission(
            submission=submission, acting_user=world.methodist_1, municipality=mun
        )
    assert accepted.status == SubmissionStatus.ACCEPTED and accepted.decided_by == world.methodist_1


def test_returning_needs_a_comment_and_only_the_campaign_methodist_decides(world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    with scopes_disabled():
        with pytest.raises(svc.CampaignError) as excinfo:
            svc.return_submission(
                submission=submission,
                comment=" ",
                acting_user=world.methodist_1,
                municipality=world.a.school.municipality,
            )
        assert "comment" in excinfo.value.message_dict
        for municipality in (None, world.c.school.municipality):
            with pytest.raises(svc.CampaignError):
                svc.return_submission(
                    submission=submission,
                    comment="Доработать",
                    acting_user=world.methodist_2,
                    municipality=municipality,
                )
        returned = svc.return_submission(
            submission=submission,
            comment="Доработать SWOT",
            acting_user=world.methodist_1,
            municipality=world.a.school.municipality,
        )
    assert returned.status == SubmissionStatus.RETURNED
    assert returned.methodist_comment == "Доработать SWOT"


def test_a_methodist_of_another_municipality_gets_404_on_the_submission_and_its_decision(client, world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    client.force_login(world.methodist_2)
    url = reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})
    assert client.get(url).status_code == 404
    decide = reverse("monitoring:submission-decide", kwargs={"pk": submission.pk})
    assert client.post(decide, {"decision": "return", "comment": "x"}).status_code == 404
    assert client.get(reverse("monitoring:campaign-detail", kwargs={"pk": campaign.pk})).status_code == 404


def test_a_curator_cannot_accept_or_return(client, world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    client.force_login(world.a.users["curator"])
    decide = reverse("monitoring:submission-decide", kwargs={"pk": submission.pk})
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    with scopes_disabled():
        assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_the_methodist_returns_a_submission_from_its_page(client, world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    client.force_login(world.methodist_1)
    page = client.get(reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})).content.decode()
    assert "Сложилась команда наставников." in page and "справка не подписана" in page
    decide = reverse("monitoring:submission-decide", kwargs={"pk": submission.pk})
    refused = client.post(decide, {"decision": "return", "comment": ""})
    assert "без комментария материалы не вернуть" in refused.content.decode()
    response = client.post(decide, {"decision": "return", "comment": "Дополните угрозы."})
    assert response.status_code == 302
    with scopes_disabled():
        assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.RETURNED


def test_the_methodist_does_not_read_a_draft_still_being_filled(client, world):
    campaign = open_campaign(world)
    save(world, submission_of(campaign, world.a))
    client.force_login(world.methodist_1)
    url = reverse("monitoring:submission-detail", kwargs={"pk": submission_of(campaign, world.a).pk})
    html = client.get(url).content.decode()
    assert 'data-testid="submission-hidden"' in html
    assert "Сложилась команда наставников." not in html


# --- Curator pages ---------------------------------------------------------------------------------------


def test_the_curator_submits_from_the_page_and_sees_the_errors_first(client, world):
    campaign = open_campaign(world)
    submission = submission_of(campaign, world.a)
    client.force_login(world.a.users["curator"])
    url = reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})
    page = client.get(url).content.decode()
    assert 'data-testid="suggested-mark"' in page and 'data-testid="level-criteria"' in page
    incomplete = {**COMPLETE, "threats": "", "action": "submit"}
    response = client.post(url, incomplete)
    assert response.status_code == 200
    assert "Заполните поле «Угрозы» SWOT-анализа." in response.content.decode()
    with scopes_disabled():
        kept = Submission.objects.get(pk=submission.pk)
    assert kept.status == SubmissionStatus.DRAFT and kept.strengths == COMPLETE["strengths"]  # saved anyway
    response = client.post(url, {**COMPLETE, "action": "submit"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_the_director_reads_the_submission_and_cannot_post_it(client, world):
    campaign = open_campaign(world)
    submission = handed_in(world, campaign)
    client.force_login(world.a.users["director"])
    url = reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})
    html = client.get(url).content.decode()
    assert 'data-testid="submission-read"' in html and 'data-testid="submission-form"' not in html
    assert client.post(url, {**COMPLETE, "action": "save"}).status_code == 404


# --- The analytical note ------------------------------------------------------------------------------


def test_the_note_is_drafted_with_the_submission_texts_and_linked_once(client, world):
    campaign = open_campaign(world)
    submission = save(world, submission_of(campaign, world.a))
    client.force_login(world.a.users["curator"])
    url = reverse("monitoring:submission-note", kwargs={"pk": submission.pk})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    with scopes_disabled():
        notes = list(Document.objects.filter(school=world.a.school, kind=DocumentKind.ANALYTICAL_NOTE))
        assert len(notes) == 1
        note = notes[0]
        assert Submission.objects.get(pk=submission.pk).note_id == note.pk
        bodies = dict(note.sections.values_list("key", "body"))
    assert note.school_year == YEAR
    assert bodies["strengths"] == COMPLETE["strengths"]
    assert bodies["decisions"] == COMPLETE["decisions"]
    assert bodies["reasons"].startswith("7.1.") and bodies["reasons"].endswith(
        COMPLETE["not_completed_reasons"]
    )
    assert "[Заполняет куратор:" not in "".join(bodies.values())
    page = client.get(reverse("monitoring:submission-detail", kwargs={"pk": submission.pk})).content.decode()
    assert reverse("programs:document-detail", kwargs={"pk": note.pk}) in page


# --- Late schools -------------------------------------------------------------------------------------


def test_late_schools_are_those_not_handed_in_by_the_deadline(world):
    campaign = open_campaign(world, deadline=date(YEAR + 1, 6, 30))
    a = handed_in(world, campaign)
    deadline = campaign.deadline
    assert svc.late_schools(campaign, today=deadline) == []
    with scopes_disabled():
        late = svc.late_schools(campaign, today=date(YEAR + 1, 7, 1))
    assert [s.school_id for s in late] == [world.b.school.pk]
    with scopes_disabled():
        Submission.objects.filter(pk=a.pk).update(
            submitted_at=timezone.make_aware(datetime(YEAR + 1, 7, 2, 10))
        )
        late = svc.late_schools(campaign, today=date(YEAR + 1, 7, 3))
    assert {s.school_id for s in late} == {world.a.school.pk, world.b.school.pk}


def test_the_campaign_page_marks_late_schools_and_sorts_by_status(client, world):
    campaign = open_campaign(world, deadline=date(YEAR, 9, 1))
    handed_in(world, campaign)
    client.force_login(world.methodist_1)
    url = reverse("monitoring:campaign-detail", kwargs={"pk": campaign.pk})
    html = client.get(url, {"sort": "status"}).content.decode()
    # Past the deadline: school B has not handed in, school A handed in after the deadline.
    assert html.count('data-testid="late-badge"') == (2 if date(YEAR, 9, 1) < TODAY else 0)
    # Submitted first (waiting for a decision), drafts after.
    row = 'data-testid="school-row" data-status='
    assert html.index(row + '"submitted"') < html.index(row + '"draft"')


# --- Query counts --------------------------------------------------------------------------------------


def test_the_campaign_page_needs_as_many_queries_for_200_schools_as_for_10(
    client, world, django_assert_max_num_queries
):
    from tests.test_query_counts import _add_schools, _count_queries

    mun1 = world.a.school.municipality
    _add_schools([mun1], 8)
    campaign = open_campaign(world)
    client.force_login(world.methodist_1)
    url = reverse("monitoring:campaign-detail", kwargs={"pk": campaign.pk})
    small = _count_queries(client, url + "?sort=status")
    _add_schools([mun1], 190)
    with scopes_disabled():
        Submission.objects.bulk_create(
            Submission(campaign=campaign, school=school, status=SubmissionStatus.SUBMITTED)
            for school in mun1.schools.exclude(monitoring_submissions__campaign=campaign)
        )
        assert Submission.objects.filter(campaign=campaign).count() == 200
    with django_assert_max_num_queries(small):
        assert client.get(url + "?sort=status").status_code == 200
