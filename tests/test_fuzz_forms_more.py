"""More property tests of free-text forms (issue #7 item 5), in the pattern of tests/test_fuzz_forms.py.

The mentor's questionnaire, the personalised program and a pair request: whatever is typed, the
answer is the form again with nothing written, or a redirect after which the stored text comes
back escaped on the pages of the other people who read it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import event, given
from hypothesis import strategies as st

from programs.models import DocumentStatus, PairRequest, PersonalizedProgram, RoadmapStage, RouteStatus
from programs.services import roadmap as roadmap_services
from tests.hostile import hostile_text, snapshot
from tests.permission_cases.documents import document_in
from tests.test_fuzz_forms import FORM_EXAMPLES, assert_escaped, hostile_files, page, stored_files
from tests.test_mentee_base import mentor_profile, person
from tests.test_pairs_views import make_pair, mentee_user_participant, mentor_user_participant
from tests.test_programs import START, make_program
from tests.test_registries import STAFF_POST, student_post
from tests.test_roadmap import SEPT_1, YEAR, _create, _stage
from tests.test_routes import _measure, _route


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pair(world):
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


def _refused_or_saved(response, before, files_before) -> bool:
    """True when saved; a refusal must leave the database and the media folder as they were."""
    assert response.status_code in (200, 302)
    event("refused" if response.status_code == 200 else "saved")
    if response.status_code == 200:
        assert snapshot() == before
        assert stored_files() == files_before
        return False
    return True


@FORM_EXAMPLES
@given(
    strengths=hostile_text,
    expectations=hostile_text,
    hours=st.one_of(st.sampled_from(["4", "1", ""]), hostile_text),
    fmt=st.sampled_from(["remote", "remote", "remote", "<b>x</b>", ""]),
)
def test_the_mentor_questionnaire_with_hostile_text(client, world, strengths, expectations, hours, fmt):
    """The mentor fills it in the cabinet; the curator reads it on the mentor's card."""
    mentor = world.user("a", "mentor")
    profile = mentor_profile(person(world.a.school, user=mentor, last_name="Наставникова"))
    client.force_login(mentor)
    before, files_before = snapshot(), stored_files()
    data = {
        "strengths": strengths,
        "help_with": ["methodical"],
        "format": fmt,
        "hours_per_week": hours,
        "has_experience": "no",
        "mentee_kinds": ["young"],
        "expectations": expectations,
    }

    response = client.post(reverse("programs:my-mentor-profile"), data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), strengths, expectations)
        return
    detail = reverse("programs:mentor-detail", kwargs={"pk": profile.pk})
    for role in ("curator", "director"):
        assert_escaped(page(client, world.user("a", role), detail), strengths, expectations)


@FORM_EXAMPLES
@given(
    title=hostile_text,
    goal=hostile_text,
    expected=hostile_text,
    end=st.one_of(st.just("2027-05-31"), hostile_text),
)
def test_a_blank_program_with_hostile_text(client, world, pair, title, goal, expected, end):
    """The curator writes the program; the director and the mentor read it."""
    with scopes_disabled():  # one program per pair: each example starts with none
        PersonalizedProgram.objects.filter(pair=pair).delete()
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    data = {
        "title": title,
        "goal": goal,
        "expected_results": expected,
        "start_date": date(2026, 9, 1).isoformat(),
        "end_date": end,
    }

    response = client.post(reverse("programs:program-create-blank", kwargs={"pair_pk": pair.pk}), data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), title, goal, expected)
        return
    with scopes_disabled():
        program = PersonalizedProgram.objects.get(pair=pair)
    readers = {
        "curator": reverse("programs:program-detail", kwargs={"pk": program.pk}),
        "director": reverse("programs:program-detail", kwargs={"pk": program.pk}),
        "mentor": reverse("programs:my-program", kwargs={"pk": program.pk}),
    }
    for role, url in readers.items():
        client.force_login(world.user("a", role))
        response = client.get(url)
        if response.status_code == 404:  # a draft may not be shown in the cabinet yet
            continue
        assert response.status_code == 200, (role, url)
        assert_escaped(response.content.decode(), title, goal, expected)


@FORM_EXAMPLES
@given(reason=hostile_text, role=st.sampled_from(["mentor", "mentee"]))
def test_a_pair_request_with_hostile_text(client, world, pair, reason, role):
    """A participant writes the reason; the curator and the director read it in the requests list."""
    with scopes_disabled():  # one open request per pair: each example starts with none
        PairRequest.objects.filter(pair=pair).delete()
    client.force_login(world.user("a", role))
    before, files_before = snapshot(), stored_files()

    response = client.post(
        reverse("programs:pair-request-create", kwargs={"pk": pair.pk}), {"reason": reason}
    )

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), reason)
        return
    with scopes_disabled():
        assert PairRequest.objects.filter(pair=pair).exists()
    for reader in ("curator", "director"):
        assert_escaped(page(client, world.user("a", reader), reverse("programs:request-list")), reason)
    assert_escaped(
        page(client, world.user("a", role), reverse("programs:my-pair-detail", kwargs={"pk": pair.pk})),
        reason,
    )


STAGE_TEXTS = ("activities", "documents", "responsible")


@pytest.fixture
def stage(world) -> RoadmapStage:
    _create(world)
    return _stage(roadmap_services.MENTOR_TRAINING)


@FORM_EXAMPLES
@given(texts=st.tuples(*[hostile_text] * len(STAGE_TEXTS)), end=st.one_of(st.just("valid"), hostile_text))
def test_a_roadmap_stage_with_hostile_text(client, world, stage, texts, end):
    """The curator plans the stage; the director reads the roadmap."""
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    with scopes_disabled():
        stage.refresh_from_db()
    kept = [getattr(stage, name) for name in STAGE_TEXTS]
    data = {
        "start_date": SEPT_1.isoformat(),
        "end_date": date(YEAR, 11, 30).isoformat() if end == "valid" else end,
        **dict(zip(STAGE_TEXTS, texts, strict=True)),
    }

    response = client.post(reverse("programs:roadmap-stage-edit", kwargs={"pk": stage.pk}), data)

    if not _refused_or_saved(response, before, files_before):
        with scopes_disabled():
            stage.refresh_from_db()
        assert [getattr(stage, name) for name in STAGE_TEXTS] == kept
        assert_escaped(response.content.decode(), *texts)
        return
    for role in ("director", "curator"):
        assert_escaped(page(client, world.user("a", role), reverse("programs:roadmap")), *texts)


@pytest.fixture
def document(world):
    return document_in(world, DocumentStatus.DRAFT)


@FORM_EXAMPLES
@given(heading=hostile_text, body=hostile_text)
def test_a_document_section_with_hostile_text(client, world, document, heading, body):
    """The curator edits a section of a draft; the director reads the document."""
    with scopes_disabled():
        section = document.sections.get(key="clauses")
        kept = (section.heading, section.body)
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    url = reverse("programs:document-section-edit", kwargs={"pk": document.pk, "section_pk": section.pk})

    response = client.post(url, {"heading": heading, "body": body})

    if not _refused_or_saved(response, before, files_before):
        with scopes_disabled():
            section.refresh_from_db()
        assert (section.heading, section.body) == kept
        assert_escaped(response.content.decode(), heading, body)
        return
    detail = reverse("programs:document-detail", kwargs={"pk": document.pk})
    for role in ("director", "curator"):
        assert_escaped(page(client, world.user("a", role), detail), heading, body)


@pytest.fixture
def measure(world):
    return _measure(_route(person(world.a.school), status=RouteStatus.ACTIVE))


@FORM_EXAMPLES
@given(product=hostile_text, files=hostile_files)
def test_an_individual_route_product_with_hostile_text_and_a_file(client, world, measure, product, files):
    """The curator records the teacher's pedagogical product; the director reads the route (ИОМ)."""
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    data = {"product": product}
    if files:
        data["product_file"] = files[0]

    response = client.post(reverse("programs:route-measure-product", kwargs={"pk": measure.pk}), data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), product)
        return
    detail = reverse("programs:route-detail", kwargs={"pk": measure.route_id})
    for role in ("director", "curator"):
        assert_escaped(page(client, world.user("a", role), detail), product)


STAFF_TEXTS = ("last_name", "first_name", "patronymic", "position", "subjects")
STUDENT_TEXTS = ("last_name", "first_name", "patronymic", "grade", "guardian_name", "guardian_phone")


def _registry_case(client, world, url: str, data: dict, texts: tuple, list_url: str, readers: tuple) -> None:
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()

    response = client.post(url, data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), *texts)
        return
    for role in readers:
        for where in (response["Location"], list_url):
            assert_escaped(page(client, world.user("a", role), where), *texts)


@FORM_EXAMPLES
@given(texts=st.tuples(*[hostile_text] * len(STAFF_TEXTS)))
def test_a_staff_card_with_hostile_text(client, world, texts):
    """The curator adds a teacher; the director and the psychologist read the card and the list."""
    data = {**STAFF_POST, **dict(zip(STAFF_TEXTS, texts, strict=True))}
    _registry_case(
        client,
        world,
        reverse("schools:staff-create"),
        data,
        texts,
        reverse("schools:staff-list"),
        readers=("director", "psychologist"),
    )


@FORM_EXAMPLES
@given(texts=st.tuples(*[hostile_text] * len(STUDENT_TEXTS)))
def test_a_student_card_with_hostile_text(client, world, texts):
    """The curator adds a student; the director reads the card and the list."""
    data = student_post(**dict(zip(STUDENT_TEXTS, texts, strict=True)))
    _registry_case(
        client,
        world,
        reverse("schools:student-create"),
        data,
        texts,
        reverse("schools:student-list"),
        readers=("director", "curator"),
    )


@pytest.fixture
def draft_program(world, pair) -> PersonalizedProgram:
    return make_program(world, pair, activities=0)


@FORM_EXAMPLES
@given(
    title=hostile_text,
    kind=st.sampled_from(["seminar", "", "<b>", "seminar"]),
    due=st.one_of(st.just("valid"), hostile_text),
)
def test_a_plan_line_with_hostile_text(client, world, draft_program, title, kind, due):
    """The curator adds a line to a draft plan; the director reads the program."""
    client.force_login(world.user("a", "curator"))
    before, files_before = snapshot(), stored_files()
    data = {
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "plan-0-title": title,
        "plan-0-activity_type": kind,
        "plan-0-due_date": (START + timedelta(days=20)).isoformat() if due == "valid" else due,
        "plan-0-responsible": "mentee",
    }

    response = client.post(reverse("programs:program-plan", kwargs={"pk": draft_program.pk}), data)

    if not _refused_or_saved(response, before, files_before):
        assert_escaped(response.content.decode(), title)
        return
    detail = reverse("programs:program-detail", kwargs={"pk": draft_program.pk})
    for role in ("director", "curator"):
        assert_escaped(page(client, world.user("a", role), detail), title)
