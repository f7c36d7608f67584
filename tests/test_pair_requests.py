"""A member's own pairs (cabinet, list, card) and the requests to be released or to replace the mentor."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from programs.models import EndReason, MentoringPair, PairEvent, PairRequest, PairStatus
from programs.selectors_pairs import pairs_of_user
from schools.tenancy import school_scope
from tests import programs_factories as f
from tests.test_pairs_views import (
    advance,
    html,
    make_pair,
    mentee_user_participant,
    mentor_user_participant,
    status_of,
)


@pytest.fixture
def own_pair(world) -> MentoringPair:
    """School A's mentor user leads school A's mentee user (the marker person)."""
    return make_pair(world, mentor=mentor_user_participant(world), mentees=[mentee_user_participant(world)])


def _login(client, world, role: str, place: str = "a"):
    client.force_login(world.user(place, role))
    return client


# --- Own pairs -----------------------------------------------------------------------------------


def test_pairs_of_user_finds_the_pairs_as_mentor_and_as_mentee_only(world, own_pair):
    other = make_pair(world)
    with school_scope([world.a.school.pk]):
        assert list(pairs_of_user(world.a.users["mentor"])) == [own_pair]
        assert list(pairs_of_user(world.a.users["mentee"])) == [own_pair]
        assert list(pairs_of_user(world.a.users["curator"])) == []
    assert other.pk != own_pair.pk


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_a_member_sees_only_their_own_pairs(client, world, own_pair, role):
    other = make_pair(world, mentees=[f.teacher(world.a.school, last_name="Чужая")])
    _login(client, world, role)
    page = html(client.get(reverse("programs:my-pairs")))
    assert reverse("programs:my-pair-detail", kwargs={"pk": own_pair.pk}) in page
    assert "Чужая" not in page
    assert client.get(reverse("programs:my-pair-detail", kwargs={"pk": own_pair.pk})).status_code == 200
    assert client.get(reverse("programs:my-pair-detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("programs:pair-request-create", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("programs:pair-detail", kwargs={"pk": own_pair.pk})).status_code == 404


def test_the_mentor_cabinet_lists_the_mentees_and_the_mentee_cabinet_the_mentor(client, world, own_pair):
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert 'data-testid="my-pairs"' in page and "Маркерова-a" in page
    page = html(_login(client, world, "mentee").get(reverse("home")))
    assert "Наставник:" in page and own_pair.mentor.full_name in page


def test_an_empty_cabinet_keeps_its_explanation(client, world):
    page = html(_login(client, world, "mentor").get(reverse("home")))
    assert "Наставнические пары с вашим участием пока не сформированы" in page


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["home", "programs:my-pairs"])
def test_the_mentor_cabinet_needs_as_many_queries_for_five_pairs_as_for_one(
    client, world, own_pair, url_name
):
    url = reverse(url_name)
    mentor = mentor_user_participant(world)
    _login(client, world, "mentor")
    small = _count(client, url)
    for _ in range(4):
        make_pair(world, mentor=mentor, mentees=[f.teacher(world.a.school), f.teacher(world.a.school)])
    with scopes_disabled():
        PairRequest.objects.create(
            pair=own_pair, kind=PairRequest.Kind.RELEASE, author=world.a.users["mentor"], reason="x"
        )
    assert _count(client, url) <= small
    assert len(set(re.findall(r"/pairs/my/(\d+)/", html(client.get(url))))) == 5


# --- Filing requests -----------------------------------------------------------------------------


def test_the_mentor_asks_to_be_released(client, world, own_pair):
    _login(client, world, "mentor")
    url = reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk})
    page = html(client.get(url))
    assert "наставник просит освободить его от наставничества" in page.lower()
    response = client.post(url, {"reason": "Перехожу на работу в другую школу"})
    assert response["Location"] == reverse("programs:my-pair-detail", kwargs={"pk": own_pair.pk})
    with scopes_disabled():
        request = PairRequest.objects.get(pair=own_pair)
        assert (request.kind, request.author, request.status) == (
            PairRequest.Kind.RELEASE,
            world.a.users["mentor"],
            PairRequest.Status.OPEN,
        )
        assert PairEvent.objects.filter(pair=own_pair, description__startswith="Подано заявление").exists()
    page = html(client.get(reverse("programs:my-pair-detail", kwargs={"pk": own_pair.pk})))
    assert "Перехожу на работу в другую школу" in page and "на рассмотрении" in page
    assert 'data-testid="request-link"' not in page  # one open request at a time


def test_the_mentee_asks_to_replace_the_mentor(client, world, own_pair):
    _login(client, world, "mentee")
    client.post(
        reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk}),
        {"reason": "Не совпадает расписание"},
    )
    with scopes_disabled():
        assert PairRequest.objects.get(pair=own_pair).kind == PairRequest.Kind.REPLACE


def test_a_request_needs_a_reason_and_only_one_is_open_at_a_time(client, world, own_pair):
    _login(client, world, "mentee")
    url = reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk})
    assert client.post(url, {"reason": "   "}).context["form"].errors["reason"] == ["Обязательное поле."]
    client.post(url, {"reason": "Первое"})
    response = client.post(url, {"reason": "Второе"})
    assert "Ваше заявление по этой паре уже на рассмотрении у куратора." in " ".join(
        response.context["form"].non_field_errors()
    )
    with scopes_disabled():
        assert PairRequest.objects.filter(pair=own_pair).count() == 1


def test_a_finished_pair_takes_no_requests(client, world, own_pair):
    advance(world, own_pair, PairStatus.COMPLETED)
    _login(client, world, "mentor")
    response = client.post(
        reverse("programs:pair-request-create", kwargs={"pk": own_pair.pk}), {"reason": "Поздно"}
    )
    assert "Пара уже завершила работу" in " ".join(response.context["form"].non_field_errors())


# --- Deciding ------------------------------------------------------------------------------------


def _file(world, pair, role: str = "mentor", reason: str = "Причина") -> PairRequest:
    from programs.services.requests import file_request

    with school_scope([world.a.school.pk]):
        pair = (
            MentoringPair.objects.prefetch_related("mentee_links__mentee__staff")
            .select_related("mentor__staff")
            .get(pk=pair.pk)
        )
        return file_request(pair, author=world.a.users[role], reason=reason)


def test_the_curator_sees_open_requests_in_the_list_and_on_the_pair(client, world, own_pair):
    _file(world, own_pair, reason="Прошу освободить в связи с нагрузкой")
    _login(client, world, "curator")
    page = html(client.get(reverse("programs:request-list")))
    assert "Прошу освободить в связи с нагрузкой" in page and "Маркерова-a" in page
    page = html(client.get(reverse("programs:pair-detail", kwargs={"pk": own_pair.pk})))
    assert "Прошу освободить в связи с нагрузкой" in page
    assert "Удовлетворить" in page


def test_declining_needs_a_comment_and_is_kept(client, world, own_pair):
    request = _file(world, own_pair, role="mentee")
    _login(client, world, "curator")
    url = reverse("programs:request-decide", kwargs={"pk": request.pk})
    page = html(client.post(url, {"decision": "decline", "comment": ""}, follow=True))
    assert "Укажите, почему заявление отклонено." in page
    client.post(url, {"decision": "decline", "comment": "Сначала встреча втроём с куратором"})
    with scopes_disabled():
        request.refresh_from_db()
    assert (request.status, request.decided_by) == (PairRequest.Status.DECLINED, world.a.users["curator"])
    assert status_of(own_pair) == PairStatus.DRAFT
    page = html(client.get(reverse("programs:request-list"), {"status": "declined"}))
    assert "Сначала встреча втроём с куратором" in page
    assert "Решение по этому заявлению уже принято" in html(
        client.post(url, {"decision": "accept"}, follow=True)
    )
    page = html(
        _login(client, world, "mentee").get(reverse("programs:my-pair-detail", kwargs={"pk": own_pair.pk}))
    )
    assert "Сначала встреча втроём с куратором" in page and "отклонена" in page


@pytest.mark.parametrize(
    ("role", "reason"), [("mentor", EndReason.MENTOR_REQUEST), ("mentee", EndReason.MENTEE_REQUEST)]
)
def test_accepting_offers_to_end_the_pair_with_the_reason_preselected(client, world, own_pair, role, reason):
    advance(world, own_pair, PairStatus.ACTIVE)
    request = _file(world, own_pair, role=role)
    _login(client, world, "director")
    response = client.post(
        reverse("programs:request-decide", kwargs={"pk": request.pk}), {"decision": "accept"}
    )
    end_url = reverse("programs:pair-end", kwargs={"pk": own_pair.pk})
    assert response["Location"] == f"{end_url}?reason={reason}"
    assert status_of(own_pair) == PairStatus.ACTIVE  # accepting does not end the pair silently
    page = client.get(response["Location"])
    assert page.context["form"]["end_reason"].value() == reason
    detail = html(client.get(reverse("programs:pair-detail", kwargs={"pk": own_pair.pk})))
    assert 'data-testid="end-offer"' in detail and f"{end_url}?reason={reason}" in detail
    client.post(end_url, {"end_reason": reason, "ended_on": "2026-10-15"})
    with scopes_disabled():
        own_pair.refresh_from_db()
    assert (own_pair.status, own_pair.end_reason) == (PairStatus.ENDED_EARLY, reason)


def test_members_and_psychologists_cannot_decide(client, world, own_pair):
    request = _file(world, own_pair)
    for role in ("mentor", "mentee", "psychologist"):
        _login(client, world, role)
        assert (
            client.post(
                reverse("programs:request-decide", kwargs={"pk": request.pk}), {"decision": "accept"}
            ).status_code
            == 404
        )
        assert client.get(reverse("programs:request-list")).status_code == 404
    with scopes_disabled():
        request.refresh_from_db()
    assert request.status == PairRequest.Status.OPEN


def _add_requests(world, n: int) -> None:
    school = world.a.school
    for i in range(n):
        pair = make_pair(world, mentees=[f.teacher(school) for _ in range(1 + i % 2)])
        with scopes_disabled():
            PairRequest.objects.create(
                pair=pair,
                kind=PairRequest.Kind.REPLACE,
                author=world.a.users["mentee"],
                reason=f"Причина {i}",
            )


@pytest.mark.parametrize("query", ["", "?status=all"])
def test_the_request_list_needs_as_many_queries_for_40_requests_as_for_5(client, world, query):
    _login(client, world, "curator")
    url = reverse("programs:request-list") + query
    _add_requests(world, 5)
    small = _count(client, url)
    _add_requests(world, 35)
    assert _count(client, url) <= small
