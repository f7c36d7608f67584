"""Participants' questionnaires: who gets which, once per person (even anonymous), scores, k-anonymity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring import services_surveys as svc
from monitoring.models import SurveyKind, SurveyResponse
from monitoring.surveys import QUESTIONNAIRES
from programs.models import PairStatus
from schools.years import school_year_of
from tests.factories import StaffFactory, UserFactory
from tests.test_indicators import pair

YEAR = school_year_of()
TODAY = timezone.localdate()
MENTEE_KIND = SurveyKind.MENTEE_SATISFACTION


def mentor_staff(place):
    with scopes_disabled():
        return StaffFactory(school=place.school, user=place.users["mentor"], experience_years=20)


def year_pair(place, *, status=PairStatus.FIXED, start=None, end=None, **kw):
    """A pair of the current school year: school's mentor user mentors the marker person (the mentee user)."""
    return pair(
        place.school,
        mentor_staff(place),
        [place.staff],
        status=status,
        start=start or date(YEAR, 9, 15),
        end=end or date(YEAR + 1, 5, 31),
        order=None if status == PairStatus.CONSENTS else date(YEAR, 9, 15),
        **kw,
    )


def eligible(place, role, today=TODAY):
    with scopes_disabled():
        return svc.eligible_kinds(place.users[role], place.school, YEAR, today)


def answers_for(kind, value=4, **override):
    form = QUESTIONNAIRES[kind]
    answers = {q.code: value for q in form.scale_questions}
    answers.update({q.code: "Ответ" for q in form.text_questions if q.required})
    answers.update(override)
    return answers


def fill(place, kind, *, anonymous=False, role="mentee", **answers):
    with scopes_disabled():
        return svc.submit_response(
            user=place.users[role],
            school=place.school,
            kind=kind,
            school_year=YEAR,
            answers=answers or answers_for(kind),
            anonymous=anonymous,
        )


def responses(place, kind, n, *, text="", **scale):
    """``n`` responses of different people, made directly (the results do not care who filled them)."""
    form = QUESTIONNAIRES[kind]
    with scopes_disabled():
        for i in range(n):
            user = UserFactory(last_name=f"Респондентова{i}")
            answers = {q.code: scale.get(q.code, (i % 5) + 1) for q in form.scale_questions}
            if text:
                answers[form.text_questions[0].code] = f"{text} {i}"
            SurveyResponse.objects.create(
                school=place.school,
                kind=kind,
                school_year=YEAR,
                respondent=user,
                respondent_key=svc.respondent_key(user, place.school, kind, YEAR),
                answers=answers,
                score=svc.score_of(form, answers),
            )


# --- Who is offered what --------------------------------------------------------------------------


def test_a_mentor_of_a_fixed_pair_gets_the_mentor_questionnaire_and_the_mentee_gets_theirs(world):
    year_pair(world.a)
    assert eligible(world.a, "mentor") == [SurveyKind.MENTOR_SATISFACTION]
    assert eligible(world.a, "mentee") == [MENTEE_KIND, SurveyKind.ENTRY]
    for role in ("mentor", "mentee"):
        assert eligible(world.b, role) == []


def test_the_exit_questionnaire_opens_a_month_before_the_planned_end_or_when_the_pair_ended(world):
    year_pair(world.a, end=date(YEAR + 1, 5, 31))
    assert SurveyKind.EXIT not in eligible(world.a, "mentee", today=date(YEAR + 1, 4, 30))
    assert SurveyKind.EXIT in eligible(world.a, "mentee", today=date(YEAR + 1, 5, 1))


def test_a_completed_pair_offers_the_exit_questionnaire_at_once(world):
    year_pair(world.a, status=PairStatus.COMPLETED, ended_on=date(YEAR, 12, 1))
    assert SurveyKind.EXIT in eligible(world.a, "mentee", today=date(YEAR, 12, 2))


def test_a_draft_pair_offers_nothing_and_a_pair_waiting_for_the_order_only_the_entry_questionnaire(world):
    year_pair(world.a, status=PairStatus.DRAFT)
    assert eligible(world.a, "mentee") == [] and eligible(world.a, "mentor") == []
    with scopes_disabled():
        world.a.school.pairs.update(status=PairStatus.CONSENTS)
    assert eligible(world.a, "mentee") == [SurveyKind.ENTRY]
    assert eligible(world.a, "mentor") == []


def test_a_pair_started_last_year_offers_no_entry_questionnaire(world):
    year_pair(world.a, start=date(YEAR - 1, 10, 1), end=date(YEAR + 1, 5, 31))
    assert eligible(world.a, "mentee") == [MENTEE_KIND]


# --- Once per person, anonymous or not ----------------------------------------------------------------


def test_an_anonymous_response_keeps_no_respondent_and_still_counts_once_per_person(world):
    year_pair(world.a)
    response = fill(world.a, MENTEE_KIND, anonymous=True)
    with scopes_disabled():
        stored = SurveyResponse.objects.get(pk=response.pk)
    assert stored.respondent is None and stored.is_anonymous
    assert stored.respondent_key == svc.respondent_key(
        world.a.users["mentee"], world.a.school, MENTEE_KIND, YEAR
    )
    with pytest.raises(svc.SurveyError) as excinfo:
        fill(world.a, MENTEE_KIND)
    assert excinfo.value.messages == ["Вы уже заполнили эту анкету в этом учебном году."]
    with scopes_disabled():
        assert svc.available_surveys(world.a.users["mentee"], world.a.school, YEAR) == [SurveyKind.ENTRY]
        items = svc.my_surveys(world.a.users["mentee"], world.a.school, YEAR)
    assert [(i.kind, i.filled) for i in items] == [(MENTEE_KIND, True), (SurveyKind.ENTRY, False)]


def test_a_named_response_keeps_the_respondent(world):
    year_pair(world.a)
    response = fill(world.a, MENTEE_KIND)
    assert response.respondent == world.a.users["mentee"] and not response.is_anonymous


def test_the_respondent_key_is_stable_and_differs_by_person_kind_and_year(world):
    user, school = world.a.users["mentee"], world.a.school
    key = svc.respondent_key(user, school, MENTEE_KIND, YEAR)
    assert len(key) == 64 and key == svc.respondent_key(user, school, MENTEE_KIND, YEAR)
    assert key != svc.respondent_key(world.a.users["mentor"], school, MENTEE_KIND, YEAR)
    assert key != svc.respondent_key(user, school, SurveyKind.ENTRY, YEAR)
    assert key != svc.respondent_key(user, school, MENTEE_KIND, YEAR - 1)


def test_a_questionnaire_not_offered_cannot_be_saved(world):
    with pytest.raises(svc.SurveyError) as excinfo:
        fill(world.a, MENTEE_KIND)
    assert excinfo.value.messages == ["Эта анкета вам сейчас не предлагается."]


# --- Validation and the score -----------------------------------------------------------------------


def test_every_missing_or_wrong_answer_is_named_by_its_question(world):
    year_pair(world.a)
    answers = answers_for(MENTEE_KIND)
    del answers["meetings_useful"]
    answers["recommend"] = 7
    with pytest.raises(svc.SurveyError) as excinfo:
        fill(world.a, MENTEE_KIND, **answers)
    assert excinfo.value.message_dict == {
        "meetings_useful": [
            "Ответьте на вопрос «Встречи с наставником были полезными для моей работы (учёбы).»."
        ],
        "recommend": [
            "Ответ на вопрос «Я посоветовал(а) бы участие в наставничестве другим.» — число от 1 до 5."
        ],
    }


def test_the_entry_questionnaire_requires_the_expectations(world):
    year_pair(world.a)
    answers = answers_for(SurveyKind.ENTRY, expectations="  ")
    with pytest.raises(svc.SurveyError) as excinfo:
        fill(world.a, SurveyKind.ENTRY, **answers)
    assert list(excinfo.value.message_dict) == ["expectations"]


def test_the_score_is_the_mean_of_the_scale_answers_with_two_decimals_half_up(world):
    year_pair(world.a)
    form = QUESTIONNAIRES[MENTEE_KIND]
    assert len(form.scale_questions) == 8
    answers = answers_for(MENTEE_KIND, value=4, meetings_useful=5, most_useful="Разбор уроков")
    response = fill(world.a, MENTEE_KIND, **answers)  # 33 / 8 = 4.125
    assert response.score == Decimal("4.13")
    assert response.answers["most_useful"] == "Разбор уроков"
    assert svc.mean([1, 2]) == Decimal("1.50") and svc.mean([]) is None


# --- Results ----------------------------------------------------------------------------------------


def test_results_are_hidden_below_three_responses(world):
    responses(world.a, MENTEE_KIND, 2)
    with scopes_disabled():
        result = svc.school_results(world.a.school, MENTEE_KIND, YEAR)
    assert result.responses == 2 and not result.shown
    assert result.scales == [] and result.texts == [] and result.mean_score is None


def test_results_give_means_and_distributions_from_three_responses(world):
    responses(world.a, MENTEE_KIND, 3, text="Полезно", meetings_useful=5)
    with scopes_disabled():
        result = svc.school_results(world.a.school, MENTEE_KIND, YEAR)
    assert result.shown
    first = result.scales[0]
    assert first.question.code == "meetings_useful" and first.mean == Decimal("5.00")
    assert [(b.value, b.count, b.percent) for b in first.buckets] == [
        (1, 0, 0),
        (2, 0, 0),
        (3, 0, 0),
        (4, 0, 0),
        (5, 3, 100),
    ]
    second = result.scales[1]  # answers 1, 2, 3
    assert second.mean == Decimal("2.00") and [b.count for b in second.buckets] == [1, 1, 1, 0, 0]
    assert result.texts[0].answers == ["Полезно 0", "Полезно 1", "Полезно 2"]


def test_the_results_page_shows_aggregates_only_never_names_or_single_answers(client, world):
    responses(world.a, MENTEE_KIND, 3, text="Секретный отзыв")
    responses(world.a, SurveyKind.MENTOR_SATISFACTION, 2, text="Единичный отзыв")
    client.force_login(world.a.users["curator"])
    html = client.get(reverse("monitoring:survey-results")).content.decode()
    assert "Респондентова" not in html
    assert "Недостаточно анкет для показа (нужно не меньше 3)" in html
    assert "Единичный отзыв" not in html  # below the threshold nothing of the answers is shown
    assert "Секретный отзыв 0" in html  # free text from three responses on, without names
    assert 'data-testid="survey-scale"' in html


def test_entry_and_exit_are_compared_by_area_when_both_pass_the_threshold(world):
    responses(world.a, SurveyKind.ENTRY, 3, area_ict=2)
    responses(world.a, SurveyKind.EXIT, 3, area_ict=4)
    with scopes_disabled():
        rows = svc.impact(svc.results_for_school(world.a.school, YEAR))
    ict = next(r for r in rows if "Информационно" in r.area)
    assert (ict.entry, ict.exit, ict.change) == (Decimal("2.00"), Decimal("4.00"), Decimal("2.00"))


# --- Pages -------------------------------------------------------------------------------------------


def test_a_mentee_fills_a_questionnaire_anonymously_from_the_cabinet(client, world):
    year_pair(world.a)
    client.force_login(world.a.users["mentee"])
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="cabinet-surveys"' in home
    listing = client.get(reverse("monitoring:my-surveys")).content.decode()
    url = reverse("monitoring:survey-fill", kwargs={"kind": MENTEE_KIND})
    assert url in listing
    refused = client.post(url, {"anonymous": "on"})
    assert "Ответьте на вопрос «Встречи с наставником были полезными для моей работы (учёбы).»." in (
        refused.content.decode()
    )
    response = client.post(url, {**answers_for(MENTEE_KIND), "anonymous": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        stored = SurveyResponse.objects.get()
    assert stored.respondent is None and stored.is_anonymous
    listing = client.get(reverse("monitoring:my-surveys")).content.decode()
    assert f'data-kind="{MENTEE_KIND}" data-filled="1"' in listing
    assert 'data-testid="survey-filled"' in client.get(url).content.decode()


def test_a_questionnaire_that_is_not_offered_is_a_404(client, world):
    year_pair(world.a)
    client.force_login(world.a.users["mentee"])
    assert (
        client.get(reverse("monitoring:survey-fill", kwargs={"kind": "mentor_satisfaction"})).status_code
        == 404
    )
    assert client.get(reverse("monitoring:survey-fill", kwargs={"kind": "nonsense"})).status_code == 404
