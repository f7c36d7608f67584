"""The rest of the free-text forms (issue #7 item 5), in the pattern of tests/test_fuzz_forms.py.

The curator's mentor profile (new and edited), a draft program's texts and an approved program's
plan correction, the individual route (ИОМ: creation, steps 1–3, measures, corrections, reflection)
and a document's title and options. Whatever is typed, the answer is the form again with nothing
written (the row counts, the edited object and the media folder as they were), or a redirect after
which the stored text comes back escaped on the pages of the other people who read it.

Each test also has an explicit example (``@example``) with markup in every text field and valid
other values: it is saved, so the readers' pages are always checked with a payload on them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import event, example, given
from hypothesis import strategies as st

from programs.models import (
    ActivityStatus,
    DifficultyArea,
    Document,
    DocumentKind,
    DocumentStatus,
    IndividualRoute,
    MeasureKind,
    MentorProfile,
    Notification,
    PersonalizedProgram,
    ProgramStatus,
    RouteCorrection,
    RouteReflection,
    RouteStatus,
    TrainingStatus,
)
from programs.services import document_notifications, reminders
from programs.services import documents as document_services
from tests.hostile import MARKUP, hostile_text, snapshot
from tests.permission_cases.documents import document_in
from tests.test_documents_kinds import completed_program, draft
from tests.test_documents_kinds import mentor as base_mentor
from tests.test_documents_kinds import pair as kinds_pair
from tests.test_fuzz_forms import FORM_EXAMPLES, assert_escaped, page, stored_files
from tests.test_fuzz_forms_more import _refused_or_saved
from tests.test_mentee_base import mentor_profile, person
from tests.test_pairs_views import make_pair, mentee_user_participant, mentor_user_participant
from tests.test_programs import END, START, activities_of, make_program
from tests.test_routes import YEAR, _measure, _route


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pair(world):
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


def _read_by(client, world, readers: dict[str, list[str]], *texts: str) -> None:
    """Every reader's pages show the stored texts escaped (``{role: [url, …]}``)."""
    for role, urls in readers.items():
        for url in urls:
            assert_escaped(page(client, world.user("a", role), url), *texts)


def _post(client, user, url: str, data: dict, *, texts: tuple, kept=lambda: None) -> bool:
    """Post as ``user``; True when saved. A refusal writes nothing — no table, no file and not the
    edited row (``kept()``) changes — and shows the typed texts escaped in the form."""
    kept_before = kept()
    client.force_login(user)
    before, files_before = snapshot(), stored_files()
    response = client.post(url, data)
    if _refused_or_saved(response, before, files_before):
        return True
    assert kept() == kept_before
    assert_escaped(response.content.decode(), *texts)
    return False


def _fields(obj, names) -> list:
    with scopes_disabled():
        obj.refresh_from_db()
    return [getattr(obj, name) for name in names]


def mostly(valid, wrong: st.SearchStrategy) -> st.SearchStrategy:
    """A valid value three times in four: the free text, not the date, should decide the outcome."""
    return st.sampled_from([True, True, True, False]).flatmap(lambda ok: st.just(valid) if ok else wrong)


hostile_date = mostly("valid", hostile_text)


# --- The mentor base: the curator's profile form ---------------------------------------------------

MENTOR_TEXTS = ("subjects", "tags", "portfolio")
ANSWER_TEXTS = ("q-strengths", "q-expectations")
PROFILE_KEPT = ("capacity", "subjects", "tags", "portfolio", "volunteered_on", "questionnaire")


@pytest.fixture
def mentor_card(world):
    """The school-A mentor user's staff card: the mentor reads the profile in the cabinet."""
    return person(world.a.school, user=world.user("a", "mentor"), last_name="Наставникова")


def _profile_post(texts, answers, capacity: str, volunteered: str) -> dict:
    return {
        "capacity": capacity,
        **dict(zip(MENTOR_TEXTS, texts, strict=True)),
        "training_status": TrainingStatus.NONE,
        "course_completed_on": "",
        "volunteered_on": timezone.localdate().isoformat() if volunteered == "valid" else volunteered,
        "is_active": "on",
        **dict(zip(ANSWER_TEXTS, answers, strict=True)),
        "q-format": "remote",
        "q-has_experience": "no",
    }


def _profile_readers(profile: MentorProfile) -> dict[str, list[str]]:
    detail = reverse("programs:mentor-detail", kwargs={"pk": profile.pk})
    return {
        "director": [detail, reverse("programs:mentor-list")],
        "mentor": [reverse("programs:my-mentor-profile")],
    }


capacity_text = mostly("2", st.one_of(st.sampled_from(["1", "10", "0", "11"]), hostile_text))
# What both profile forms (create, edit) are given.
profile_input = given(
    texts=st.tuples(*[hostile_text] * len(MENTOR_TEXTS)),
    answers=st.tuples(*[hostile_text] * len(ANSWER_TEXTS)),
    capacity=capacity_text,
    volunteered=hostile_date,
)
profile_markup = example(
    texts=tuple(MARKUP[:3]), answers=(MARKUP[3], MARKUP[6]), capacity="2", volunteered="valid"
)


@FORM_EXAMPLES
@profile_input
@profile_markup
def test_a_new_mentor_profile_with_hostile_text(
    client, world, mentor_card, texts, answers, capacity, volunteered
):
    """The curator adds a mentor (mentor-create); the director, the curator and the mentor read it."""
    with scopes_disabled():  # one profile per person: each example starts with none
        MentorProfile.objects.filter(participant__staff=mentor_card).delete()
    data = {"staff": mentor_card.pk, **_profile_post(texts, answers, capacity, volunteered)}
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:mentor-create"),
        data,
        texts=(*texts, *answers),
    ):
        return
    with scopes_disabled():
        profile = MentorProfile.objects.get(participant__staff=mentor_card)
    _read_by(client, world, _profile_readers(profile), *texts, *answers)


@FORM_EXAMPLES
@profile_input
@profile_markup
def test_an_edited_mentor_profile_with_hostile_text(
    client, world, mentor_card, texts, answers, capacity, volunteered
):
    """The curator edits a mentor (mentor-edit); a refusal leaves the profile as it was."""
    with scopes_disabled():
        profile = MentorProfile.objects.filter(participant__staff=mentor_card).first()
    profile = profile or mentor_profile(mentor_card, subjects="математика")
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:mentor-edit", kwargs={"pk": profile.pk}),
        _profile_post(texts, answers, capacity, volunteered),
        texts=(*texts, *answers),
        kept=lambda: _fields(profile, PROFILE_KEPT),
    ):
        return
    _read_by(client, world, _profile_readers(profile), *texts, *answers)


# --- Programs: the texts of a draft and the correction of an approved plan -------------------------

PROGRAM_TEXTS = ("title", "goal", "expected_results", "directions")
PROGRAM_KEPT = (*PROGRAM_TEXTS, "start_date", "end_date")


def _program_readers(client, world, program: PersonalizedProgram, *texts: str) -> None:
    detail = reverse("programs:program-detail", kwargs={"pk": program.pk})
    _read_by(client, world, {"director": [detail, reverse("programs:program-list")]}, *texts)
    for role in ("mentor", "mentee"):
        client.force_login(world.user("a", role))
        response = client.get(reverse("programs:my-program", kwargs={"pk": program.pk}))
        if response.status_code == 404:  # a draft is not shown in the cabinet
            assert program.status == ProgramStatus.DRAFT
            continue
        assert response.status_code == 200, role
        assert_escaped(response.content.decode(), *texts)


@pytest.fixture
def draft_program(world, pair) -> PersonalizedProgram:
    return make_program(world, pair, activities=2)


@FORM_EXAMPLES
@given(texts=st.tuples(*[hostile_text] * len(PROGRAM_TEXTS)), end=hostile_date)
@example(texts=(*MARKUP[:3], MARKUP[6]), end="valid")
def test_an_edited_draft_program_with_hostile_text(client, world, draft_program, texts, end):
    """The curator edits the draft's texts (program-edit); the director and the pair read them."""
    data = {
        **dict(zip(PROGRAM_TEXTS, texts, strict=True)),
        "start_date": START.isoformat(),
        "end_date": END.isoformat() if end == "valid" else end,
    }
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:program-edit", kwargs={"pk": draft_program.pk}),
        data,
        texts=texts,
        kept=lambda: _fields(draft_program, PROGRAM_KEPT),
    ):
        return
    _program_readers(client, world, draft_program, *texts)


@pytest.fixture
def approved_program(world, pair) -> PersonalizedProgram:
    return make_program(world, pair, status=ProgramStatus.APPROVED, activities=2)


def _plan_post(program: PersonalizedProgram, title: str, due: str, kind: str) -> dict:
    """The plan as it is (every line unchanged) and one new line."""
    lines = [a for a in activities_of(program) if a.status != ActivityStatus.CANCELLED]
    data = {
        "plan-TOTAL_FORMS": str(len(lines) + 1),
        "plan-INITIAL_FORMS": str(len(lines)),
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "60",
    }
    for i, activity in enumerate(lines):
        data.update(
            {
                f"plan-{i}-activity_id": activity.pk,
                f"plan-{i}-title": activity.title,
                f"plan-{i}-activity_type": activity.activity_type,
                f"plan-{i}-due_date": activity.due_date.isoformat(),
                f"plan-{i}-responsible": activity.responsible,
            }
        )
    new = len(lines)
    data.update(
        {
            f"plan-{new}-title": title,
            f"plan-{new}-activity_type": kind,
            f"plan-{new}-due_date": (START + timedelta(days=40)).isoformat() if due == "valid" else due,
            f"plan-{new}-responsible": "mentee",
        }
    )
    return data


@FORM_EXAMPLES
@given(
    reason=hostile_text,
    title=hostile_text,
    due=hostile_date,
    kind=mostly("seminar", st.sampled_from(["", "<b>"])),
    agreed=mostly(True, st.just(False)),
)
@example(reason=MARKUP[1], title=MARKUP[0], due="valid", kind="seminar", agreed=True)
def test_a_plan_correction_with_hostile_text(
    client, world, approved_program, reason, title, due, kind, agreed
):
    """The curator corrects an approved plan (program-plan with a reason); the pair reads the history."""
    data = {**_plan_post(approved_program, title, due, kind), "reason": reason}
    if agreed:
        data["agreed_by_both"] = "on"
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:program-plan", kwargs={"pk": approved_program.pk}),
        data,
        texts=(
            reason,
            title,
        ),
        kept=lambda: [(a.pk, a.title, a.status) for a in activities_of(approved_program)],
    ):
        return
    _program_readers(client, world, approved_program, reason, title)


# --- Individual routes (ИОМ) ------------------------------------------------------------------------
# The route is the marker person's: the school-A mentee user is the teacher who reads it.

ROUTE_TEXTS = ("desired_image", "strengths", "difficulties_comment", "tutor_name", "tutor_organization")
MEASURE_KEPT = ("school_year", "kind", "title", "area_id", "due_date")
year_shift = mostly(3, st.one_of(st.just(4), st.integers(-3, 12)))


def _route_readers(client, world, route: IndividualRoute, *texts: str) -> None:
    detail = reverse("programs:route-detail", kwargs={"pk": route.pk})
    printed = reverse("programs:route-print", kwargs={"pk": route.pk})
    readers = {
        "director": [detail, printed, reverse("programs:route-list")],
        "mentee": [detail, reverse("programs:my-route")],
    }
    _read_by(client, world, readers, *texts)


@pytest.fixture
def route(world) -> IndividualRoute:
    return _route(world.a.staff, difficulties={"ict": 2})


@pytest.fixture
def active_route(world) -> IndividualRoute:
    return _route(world.a.staff, status=RouteStatus.ACTIVE, difficulties={"ict": 2, "legal": 1})


@FORM_EXAMPLES
@given(
    tutor=hostile_text,
    organization=hostile_text,
    shift=year_shift,
    who=st.sampled_from(["curator", "mentee"]),
)
@example(tutor=MARKUP[0], organization=MARKUP[1], shift=3, who="mentee")
def test_a_new_route_with_hostile_text(client, world, tutor, organization, shift, who):
    """The curator (route-create) or the teacher (my-route) starts a route; the others read it."""
    with scopes_disabled():  # one route at a time: each example starts with none
        IndividualRoute.objects.filter(staff=world.a.staff).delete()
    client.force_login(world.user("a", who))
    before, files_before = snapshot(), stored_files()
    data = {
        "start_year": YEAR,
        "end_year": YEAR + shift,
        "tutor_name": tutor,
        "tutor_organization": organization,
    }
    if who == "curator":
        response = client.post(reverse("programs:route-create"), {"staff": world.a.staff.pk, **data})
    else:
        response = client.post(reverse("programs:my-route"), data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), tutor, organization)
        return
    with scopes_disabled():
        created = IndividualRoute.objects.get(staff=world.a.staff)
    _route_readers(client, world, created, tutor, organization)


@FORM_EXAMPLES
@given(
    texts=st.tuples(*[hostile_text] * len(ROUTE_TEXTS)),
    shift=year_shift,
    level=mostly("2", st.one_of(st.sampled_from(["", "0", "3"]), hostile_text)),
    who=st.sampled_from(["curator", "mentee"]),
)
@example(texts=tuple(MARKUP[:5]), shift=3, level="2", who="curator")
def test_an_edited_route_with_hostile_text(client, world, route, texts, shift, level, who):
    """Steps 1–3 (route-edit) by the curator or the teacher; a refusal leaves the route as it was."""
    names = (*ROUTE_TEXTS, "start_year", "end_year", "difficulties")
    ict = DifficultyArea.objects.get(code="ict")
    data = {
        **dict(zip(ROUTE_TEXTS, texts, strict=True)),
        "start_year": YEAR,
        "end_year": YEAR + shift,
        f"area_{ict.code}": level,
    }
    if not _post(
        client,
        world.user("a", who),
        reverse("programs:route-edit", kwargs={"pk": route.pk}),
        data,
        texts=texts,
        kept=lambda: _fields(route, names),
    ):
        return
    _route_readers(client, world, route, *texts)


def _measure_post(title: str, kind: str, due: str, year: str) -> dict:
    ict = DifficultyArea.objects.get(code="ict")
    return {
        "school_year": str(YEAR) if year == "valid" else year,
        "kind": kind,
        "title": title,
        "area": ict.pk,
        "due_date": "" if due == "valid" else due,
    }


measure_kind = mostly(MeasureKind.TRIAL, st.sampled_from([MeasureKind.COURSE, "", "<b>x</b>"]))
measure_year = mostly("valid", st.one_of(st.sampled_from([str(YEAR + 9), "0"]), hostile_text))


@FORM_EXAMPLES
@given(title=hostile_text, kind=measure_kind, due=hostile_date, year=measure_year)
@example(title=MARKUP[1], kind=MeasureKind.TRIAL, due="valid", year="valid")
def test_a_new_route_measure_with_hostile_text(client, world, route, title, kind, due, year):
    """The curator plans a measure of step 4 (route-measure-create); the teacher and the director read it."""
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:route-measure-create", kwargs={"pk": route.pk}),
        _measure_post(title, kind, due, year),
        texts=(title,),
    ):
        return
    _route_readers(client, world, route, title)


@FORM_EXAMPLES
@given(title=hostile_text, kind=measure_kind, due=hostile_date, year=measure_year)
@example(title=MARKUP[2], kind=MeasureKind.TRIAL, due="valid", year="valid")
def test_an_edited_route_measure_with_hostile_text(client, world, route, title, kind, due, year):
    """The teacher edits a measure (route-measure-edit); a refusal leaves the measure as it was."""
    with scopes_disabled():
        measure = route.measures.first() or _measure(route)
    if not _post(
        client,
        world.user("a", "mentee"),
        reverse("programs:route-measure-edit", kwargs={"pk": measure.pk}),
        _measure_post(title, kind, due, year),
        texts=(title,),
        kept=lambda: _fields(measure, MEASURE_KEPT),
    ):
        return
    _route_readers(client, world, route, title)


@FORM_EXAMPLES
@given(description=hostile_text, on=hostile_date, who=st.sampled_from(["curator", "mentee"]))
@example(description=MARKUP[2], on="valid", who="curator")
def test_a_route_correction_with_hostile_text(client, world, active_route, description, on, who):
    """Step 6 (route-correction-create) always goes back to the route: a refusal says why there."""
    client.force_login(world.user("a", who))
    before, files_before = snapshot(), stored_files()
    with scopes_disabled():
        count = RouteCorrection.objects.filter(route=active_route).count()
    data = {"date": timezone.localdate().isoformat() if on == "valid" else on, "description": description}

    response = client.post(reverse("programs:route-correction-create", kwargs={"pk": active_route.pk}), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("programs:route-detail", kwargs={"pk": active_route.pk}))
    with scopes_disabled():
        saved = RouteCorrection.objects.filter(route=active_route).count() - count
    assert saved in (0, 1)
    event("saved" if saved else "refused")
    if not saved:
        assert snapshot() == before
        assert stored_files() == files_before
    # The message (an error or «записана») is shown on the route page the writer lands on.
    assert_escaped(page(client, world.user("a", who), response["Location"]), description)
    if not saved:
        return
    _route_readers(client, world, active_route, description)


@FORM_EXAMPLES
@given(
    texts=st.tuples(hostile_text, hostile_text),
    levels=st.tuples(*[mostly("1", st.one_of(st.sampled_from(["", "0", "3"]), hostile_text))] * 2),
    who=st.sampled_from(["curator", "mentee"]),
)
@example(texts=(MARKUP[0], MARKUP[6]), levels=("1", "1"), who="mentee")
def test_a_route_reflection_with_hostile_text(client, world, active_route, texts, levels, who):
    """Step 7 (route-reflection), one text per deficit; a refusal leaves the reflections as they were."""
    areas = [DifficultyArea.objects.get(code=code) for code in ("ict", "legal")]

    def stored() -> list:
        with scopes_disabled():
            return list(
                RouteReflection.objects.filter(route=active_route)
                .order_by("area_id")
                .values_list("area_id", "text", "level_after")
            )

    data = {}
    for area, text, level in zip(areas, texts, levels, strict=True):
        data.update({f"text_{area.pk}": text, f"level_{area.pk}": level})
    if not _post(
        client,
        world.user("a", who),
        reverse("programs:route-reflection", kwargs={"pk": active_route.pk}),
        data,
        texts=texts,
        kept=stored,
    ):
        return
    _route_readers(client, world, active_route, *texts)


# --- Documents: the title and the options of a draft ------------------------------------------------


@pytest.fixture
def document(world) -> Document:
    director = world.a.users["director"]
    director.email = "director@school-a.example"  # the submission is mailed to the director
    director.save()
    return document_in(world, DocumentStatus.DRAFT)


@FORM_EXAMPLES
@given(title=hostile_text, public=st.booleans())
@example(title="О закреплении\r\nнаставнических пар", public=False)  # a title typed on two lines
@example(title=MARKUP[1], public=True)
def test_a_document_title_with_hostile_text(
    client, world, document, mailoutbox, django_capture_on_commit_callbacks, title, public
):
    """The curator retitles a draft (document-edit) and sends it; the director reads the queue, the
    notification and the letter, then returns the draft so the next example edits it again."""
    data = {"title": title}
    if public:
        data["is_public"] = "on"
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:document-edit", kwargs={"pk": document.pk}),
        data,
        texts=(title,),
        kept=lambda: _fields(document, ("title", "is_public", "status")),
    ):
        return
    mailoutbox.clear()
    with scopes_disabled():  # a re-submission within the same second would not be a new event
        Notification.objects.filter(kind="document_submitted").delete()
    with django_capture_on_commit_callbacks(execute=True):  # the letter goes as after a real commit
        response = client.post(reverse("programs:document-submit", kwargs={"pk": document.pk}))
    assert response.status_code == 302
    assert _fields(document, ("status",)) == [DocumentStatus.SUBMITTED]
    [letter] = mailoutbox
    assert "\n" not in letter.subject and "\r" not in letter.subject
    assert letter.message()["Subject"]  # a header that can be written
    detail = reverse("programs:document-detail", kwargs={"pk": document.pk})
    queue, notifications = reverse("programs:document-queue"), reverse("programs:notifications")
    _read_by(
        client, world, {"director": [detail, queue, notifications, reverse("programs:document-list")]}, title
    )
    with scopes_disabled():
        document_services.return_document(
            document=document, comment="Проверить заголовок", acting_user=world.a.users["director"]
        )


@pytest.fixture
def mentor_school_order(world) -> Document:
    base_mentor(world.a, last_name="Школьникова")
    return draft(world.a, DocumentKind.ORDER_MENTOR_SCHOOL)


@FORM_EXAMPLES
@given(topics=hostile_text, start=hostile_date, end=hostile_date)
@example(topics=f"{MARKUP[0]}\n{MARKUP[1]}", start="valid", end="valid")
def test_document_options_with_hostile_text(client, world, mentor_school_order, topics, start, end):
    """The curator rebuilds the «Школа наставников» order with new topics (document-options)."""
    document = mentor_school_order
    data = {
        "start_date": "" if start == "valid" else start,
        "end_date": "" if end == "valid" else end,
        "leader": "",
        "topics": topics,
    }
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:document-options", kwargs={"pk": document.pk}),
        data,
        texts=(topics,),
        kept=lambda: _fields(document, ("payload", "title")),
    ):
        return
    detail = reverse("programs:document-detail", kwargs={"pk": document.pk})
    _read_by(client, world, {"director": [detail]}, topics)


@pytest.fixture
def reward_order(world) -> Document:
    """An order on rewards for one program completed in the current school year."""
    mentee = person(world.a.school, last_name="Поощряемая")
    completed_program(kinds_pair(base_mentor(world.a, last_name="Наградова"), mentee))
    return draft(world.a, DocumentKind.ORDER_REWARD)


@FORM_EXAMPLES
@given(reward=hostile_text)
@example(reward=MARKUP[4])
@example(reward="а" * 201)  # longer than a reward may be: refused
def test_reward_options_with_hostile_text(client, world, reward_order, reward):
    """The curator words the reward (document-options of the reward order); the director reads it."""
    document = reward_order
    if not _post(
        client,
        world.user("a", "curator"),
        reverse("programs:document-options", kwargs={"pk": document.pk}),
        {"reward": reward},
        texts=(reward,),
        kept=lambda: _fields(document, ("payload", "title")),
    ):
        return
    detail = reverse("programs:document-detail", kwargs={"pk": document.pk})
    _read_by(client, world, {"director": [detail]}, reward)


@pytest.mark.parametrize("module", [document_notifications, reminders])
def test_a_letter_about_a_title_typed_on_two_lines_has_a_one_line_subject(module):
    """A mail header may not hold a line break: the letter of such a notification would never go."""
    row = {
        "title": "На утверждение: О закреплении\r\nнаставнических  пар\n",
        "body": "Текст",
        "user__first_name": "Анна",
        "user__patronymic": "",
    }

    subject, body = module._letter(row)

    assert subject == "Наставник: На утверждение: О закреплении наставнических пар"
    assert EmailMessage(subject=subject, body=body, to=["a@example.org"]).message()["Subject"]
