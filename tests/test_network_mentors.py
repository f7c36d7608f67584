"""Network mentors reach their pairs: the mentor role in the pair's school while the pair works.

A network pair belongs to the mentees' school (A); its mentor is a teacher of school B with their
own account. Fixing the pair by order gives that account the role «Наставник (сетевая пара)» in A;
in that work context the mentor sees and works with exactly their pairs and nothing else of A; the
role goes away when their last working pair in A ends (programs/services/network_mentors.py).
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    EndReason,
    JournalEntry,
    MentoringForm,
    MentorProfile,
    PairStatus,
    PersonalizedProgram,
    ProgramStatus,
    ResponsibleRole,
)
from programs.services import network_mentors
from programs.services import pairs as pair_service
from programs.services.participants import participant_for
from programs.services.programs import can_mark_activities, member_role
from schools.audit import Action
from schools.models import AuditEntry, Membership, PartnerOrganization, PartnerRepresentative, Role
from schools.tenancy import school_scope
from tests.test_pairs_views import advance, html, make_pair, mentor_user_participant

TODAY = timezone.localdate
MIGRATION = ("programs", "0009_network_mentor_memberships")
SWITCH_URL = reverse("schools:switch-context")
MY_PAIRS_URL = reverse("programs:my-pairs")


def _network_pair(world, to: str | None = None):
    """A pair of school A whose mentor is school B's mentor user (a teacher of B with an account)."""
    pair = make_pair(world, mentor=mentor_user_participant(world, "b"), place="a")
    assert pair.is_network
    return advance(world, pair, to) if to else pair


def _mentor_roles(user, school) -> list[Membership]:
    with scopes_disabled():
        return list(Membership.objects.filter(user=user, school=school, role=Role.MENTOR))


def _network_key(world) -> str:
    [membership] = _mentor_roles(world.b.users["mentor"], world.a.school)
    return f"m{membership.pk}"


def _login_in_a(client, world):
    """School B's mentor logs in and switches to their network context in school A."""
    client.force_login(world.b.users["mentor"])
    response = client.post(SWITCH_URL, {"context": _network_key(world)})
    assert response.status_code == 302
    return client


def _end(world, pair, how: str):
    users = world.a.users
    with scopes_disabled():
        pair.refresh_from_db()
        if how == "completed":
            pair_service.complete(pair, acting_user=users["curator"])
        else:
            pair_service.end_early(pair, reason=EndReason.MUTUAL, acting_user=users["curator"])


# --- The role follows the pair's lifecycle -------------------------------------------------------


def test_the_order_gives_the_network_mentor_the_mentor_role_in_the_pairs_school(world):
    mentor_user = world.b.users["mentor"]
    pair = _network_pair(world, PairStatus.CONSENTS)
    assert _mentor_roles(mentor_user, world.a.school) == []  # a pair not yet fixed lets nobody in

    advance(world, pair, PairStatus.FIXED)
    [membership] = _mentor_roles(mentor_user, world.a.school)
    assert membership.is_active and membership.for_network_pairs

    # Starting the pair (the second place that grants) and granting again change nothing.
    advance(world, pair, PairStatus.ACTIVE)
    with scopes_disabled():
        assert network_mentors.grant_network_access(pair) == membership
    assert _mentor_roles(mentor_user, world.a.school) == [membership]
    # The role in the mentor's own school is untouched.
    assert [m.for_network_pairs for m in _mentor_roles(mentor_user, world.b.school)] == [False]

    with scopes_disabled():
        [created] = AuditEntry.objects.filter(
            content_type__model="membership", object_pk=str(membership.pk), action=Action.CREATE
        )
    assert created.school_id == world.a.school.pk


def test_an_inactive_mentor_role_is_switched_on_again_by_the_order(world):
    mentor_user = world.b.users["mentor"]
    with scopes_disabled():
        old = Membership.objects.create(
            user=mentor_user, role=Role.MENTOR, school=world.a.school, is_active=False
        )
    _network_pair(world, PairStatus.FIXED)
    [membership] = _mentor_roles(mentor_user, world.a.school)
    assert membership.pk == old.pk and membership.is_active and membership.for_network_pairs


@pytest.mark.parametrize("how", ["completed", "ended_early"])
def test_the_role_goes_when_the_last_working_pair_there_ends(client, world, how):
    mentor_user = world.b.users["mentor"]
    first = _network_pair(world, PairStatus.ACTIVE)
    second = _network_pair(world, PairStatus.FIXED)
    key = _network_key(world)

    _end(world, first, how)
    assert len(_mentor_roles(mentor_user, world.a.school)) == 1  # the second pair still works

    with scopes_disabled():
        pair_service.end_early(second, reason=EndReason.MUTUAL, acting_user=world.a.users["curator"])
    assert _mentor_roles(mentor_user, world.a.school) == []
    with scopes_disabled():
        assert AuditEntry.objects.filter(
            content_type__model="membership", object_pk=key[1:], action=Action.DELETE
        ).exists()

    # The context is gone: the switch refuses it and the mentor lands in their own school.
    client.force_login(mentor_user)
    assert client.post(SWITCH_URL, {"context": key}).status_code == 404
    page = html(client.get(MY_PAIRS_URL))
    assert world.b.school.short_name in page and 'data-testid="network-contexts"' not in page
    # The own school's role stays.
    assert len(_mentor_roles(mentor_user, world.b.school)) == 1


def test_a_deleted_draft_or_a_draft_elsewhere_does_not_keep_or_give_the_role(world):
    mentor_user = world.b.users["mentor"]
    working = _network_pair(world, PairStatus.FIXED)
    draft = _network_pair(world)
    with scopes_disabled():
        pair_service.delete_draft(draft, acting_user=world.a.users["curator"])
    assert len(_mentor_roles(mentor_user, world.a.school)) == 1  # the fixed pair keeps it
    _network_pair(world)  # a new draft is no ground to stay
    with scopes_disabled():
        pair_service.end_early(working, reason=EndReason.MUTUAL, acting_user=world.a.users["curator"])
    assert _mentor_roles(mentor_user, world.a.school) == []


def test_a_mentor_role_given_by_hand_is_never_removed(world):
    mentor_user = world.b.users["mentor"]
    with scopes_disabled():
        manual = Membership.objects.create(user=mentor_user, role=Role.MENTOR, school=world.a.school)
    pair = _network_pair(world, PairStatus.ACTIVE)
    assert _mentor_roles(mentor_user, world.a.school) == [manual]
    assert not manual.for_network_pairs
    _end(world, pair, "ended_early")
    assert _mentor_roles(mentor_user, world.a.school) == [manual]


def test_a_mentor_of_the_same_school_is_unaffected(world):
    mentor_user = world.a.users["mentor"]
    before = _mentor_roles(mentor_user, world.a.school)
    pair = make_pair(world, mentor=mentor_user_participant(world, "a"), place="a")
    assert not pair.is_network
    advance(world, pair, PairStatus.ACTIVE)
    assert _mentor_roles(mentor_user, world.a.school) == before
    _end(world, pair, "ended_early")
    assert _mentor_roles(mentor_user, world.a.school) == before
    with scopes_disabled():
        assert not Membership.objects.filter(user=mentor_user, for_network_pairs=True).exists()


def test_a_partners_representative_has_no_account_and_gets_nothing(world):
    school = world.a.school
    with scopes_disabled():
        organization = PartnerOrganization.objects.create(school=school, name="Завод «Прогресс»")
        rep = PartnerRepresentative.objects.create(
            school=school, organization=organization, last_name="Мастеров", first_name="Иван"
        )
        mentor = participant_for(rep)
        MentorProfile.objects.create(school=school, participant=mentor, capacity=3)
        form = MentoringForm.objects.get(code="employer-teacher")
        before = Membership.objects.count()
    pair = advance(world, make_pair(world, mentor=mentor, form=form), PairStatus.ACTIVE)
    assert pair.is_network and pair.status == PairStatus.ACTIVE
    with scopes_disabled():
        assert Membership.objects.count() == before
        assert network_mentors.grant_network_access(pair) is None


# --- What the network mentor sees and may do ----------------------------------------------------


def test_the_switcher_names_the_network_context_and_the_own_school_comes_first(client, world):
    _network_pair(world, PairStatus.FIXED)
    client.force_login(world.b.users["mentor"])
    page = html(client.get(MY_PAIRS_URL))
    # Landing in the own school (B), where the pair is not listed, with a way to school A.
    assert 'data-testid="context-switcher"' in page
    assert "Наставник (сетевая пара)" in page
    assert 'data-testid="network-contexts"' in page
    assert f'value="{_network_key(world)}"' in page
    assert "Наставникова" not in page.split('data-testid="network-contexts"')[1]  # no pair of A here

    # The button of the hint switches and comes back to «Мои пары».
    response = client.post(SWITCH_URL, {"context": _network_key(world), "next": MY_PAIRS_URL})
    assert response.status_code == 302 and response["Location"] == MY_PAIRS_URL
    page = html(client.get(MY_PAIRS_URL))
    assert "Наставник (сетевая пара) · МБОУ СОШ № 1" in page


def test_the_network_mentor_sees_exactly_their_pair_in_the_school(client, world):
    pair = _network_pair(world, PairStatus.ACTIVE)
    other = make_pair(world, place="a")  # another pair of school A, another mentor
    with scopes_disabled():
        other_mentor = other.mentor.full_name
        mentee = pair.mentee_links.get().mentee.full_name
    _login_in_a(client, world)

    page = html(client.get(MY_PAIRS_URL))
    assert reverse("programs:my-pair-detail", kwargs={"pk": pair.pk}) in page and mentee in page
    assert reverse("programs:my-pair-detail", kwargs={"pk": other.pk}) not in page
    assert other_mentor not in page
    assert client.get(reverse("programs:my-pair-detail", kwargs={"pk": pair.pk})).status_code == 200
    assert client.get(reverse("programs:my-pair-detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("programs:journal", kwargs={"pk": other.pk})).status_code == 404

    home = html(client.get(reverse("home")))
    assert mentee in home and other_mentor not in home
    assert "Вы сетевой наставник" in home

    # Nothing else of school A: the lists and cards of the staff roles answer as for any mentor.
    for url in (
        reverse("schools:staff-list"),
        reverse("schools:student-list"),
        reverse("schools:partner-list"),
        reverse("programs:pair-list"),
        reverse("programs:pair-detail", kwargs={"pk": pair.pk}),
        reverse("programs:mentee-base"),
        reverse("programs:program-list"),
        reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk}),
    ):
        assert client.get(url).status_code in (403, 404), url
    # The mentor's own pages of the role open (empty here: the mentor's records are in school B).
    for url in (reverse("programs:my-programs"), reverse("programs:my-diagnostics")):
        assert client.get(url).status_code == 200, url


def test_the_network_mentor_opens_the_journal_and_writes_an_entry(client, world):
    pair = _network_pair(world, PairStatus.ACTIVE)
    _login_in_a(client, world)
    journal_url = reverse("programs:journal", kwargs={"pk": pair.pk})
    assert client.get(journal_url).status_code == 200
    response = client.post(
        reverse("programs:journal-create", kwargs={"pk": pair.pk}),
        {
            "date": timezone.localdate().isoformat(),
            "topic": "Сетевая встреча",
            "content": "Разобрали урок наставляемого.",
        },
    )
    assert response.status_code == 302 and response["Location"] == journal_url
    with scopes_disabled():
        [entry] = JournalEntry.objects.filter(pair=pair)
    assert (entry.author, entry.school_id) == (world.b.users["mentor"], world.a.school.pk)
    assert "Сетевая встреча" in html(client.get(journal_url))
    # School A's curator reads it in the pair's journal like any other entry.
    client.force_login(world.a.users["curator"])
    assert "Сетевая встреча" in html(client.get(journal_url))


def test_the_network_mentor_is_the_mentor_of_the_pair_for_the_program_rules(world):
    """The mentor's participant row is in school B, outside school A's scope: the rule reads the pair."""
    pair = _network_pair(world, PairStatus.ACTIVE)
    with scopes_disabled():
        program = PersonalizedProgram.objects.create(
            school=world.a.school,
            pair=pair,
            title="Программа",
            goal="Цель",
            start_date=pair.start_date,
            end_date=pair.planned_end_date,
            status=ProgramStatus.IN_PROGRESS,
        )
    with school_scope([world.a.school.pk]):
        assert member_role(pair, world.b.users["mentor"]) == ResponsibleRole.MENTOR
        assert can_mark_activities(program, world.b.users["mentor"])
        assert member_role(pair, world.b.users["curator"]) is None


# --- Pairs fixed before the role was given -------------------------------------------------------


def test_the_migration_gives_the_role_for_pairs_already_fixed_or_working(world):
    backfill = importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}").backfill
    mentor_user = world.b.users["mentor"]
    working = _network_pair(world, PairStatus.ACTIVE)
    finished = _network_pair(world, PairStatus.ACTIVE)
    _end(world, finished, "completed")
    with scopes_disabled():
        Membership.objects.filter(user=mentor_user, school=world.a.school).delete()
        same_school = advance(world, make_pair(world, place="a"), PairStatus.FIXED)
        before = Membership.objects.count()
    # The models as the migration sees them (plain managers, no scope), not the app's own.
    migrated = MigrationExecutor(connection).loader.project_state((MIGRATION[0], MIGRATION[1])).apps
    backfill(migrated, None)
    backfill(migrated, None)  # a second run changes nothing
    [membership] = _mentor_roles(mentor_user, world.a.school)
    assert membership.for_network_pairs and membership.is_active
    with scopes_disabled():
        assert Membership.objects.count() == before + 1
    assert working.status == PairStatus.ACTIVE and not same_school.is_network
