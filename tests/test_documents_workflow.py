"""The workflow of local acts (programs/services/documents.py) on the order on pairs."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from programs.models import (
    Document,
    DocumentEvent,
    DocumentKind,
    DocumentStatus,
    PairStatus,
    RegistrationCounter,
)
from programs.services import documents as svc
from programs.services import pairs
from tests import programs_factories as f

START, END = date(2026, 9, 1), date(2027, 5, 31)


def ready_pair(world, school=None, **staff):
    """A pair of school A (by default) with every consent in hand, waiting for the order."""
    place = world.a if school is None else school
    mentor, mentee = f.mentor(place.school), f.teacher(place.school, experience_years=1, **staff)
    f.all_consents(mentee, mentor_participant=mentor)
    with scopes_disabled():
        pair = pairs.create_pair(
            school=place.school,
            mentor=mentor,
            mentees=[mentee],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=place.users["curator"],
        )
        return pairs.mark_consents_collected(pair, acting_user=place.users["curator"])


def draft_pairs_order(world, pair_list, place=None) -> Document:
    place = place or world.a
    with scopes_disabled():
        return svc.draft_document(
            school=place.school,
            kind=DocumentKind.ORDER_PAIRS,
            school_year=2026,
            acting_user=place.users["curator"],
            options={"pairs": [str(p.pk) for p in pair_list]},
        )


def test_the_order_on_pairs_is_drafted_from_the_pairs_with_complete_consents(world):
    pair = ready_pair(world, last_name="Ключевская")
    doc = draft_pairs_order(world, [pair])
    with scopes_disabled():
        assert doc.status == DocumentStatus.DRAFT
        assert [row.pair_id for row in doc.pair_rows.all()] == [pair.pk]
        assert doc.payload["pairs"][0]["mentees"][0]["name"].startswith("Ключевская")
        assert doc.payload["letterhead"]["short_name"] == world.a.school.short_name
        assert doc.sections.get(key="clauses").body.startswith("1. Закрепить")
        assert not doc.is_public


def test_a_pair_without_consents_cannot_be_put_in_the_order(world):
    school = world.a.school
    with scopes_disabled():
        pair = pairs.create_pair(
            school=school,
            mentor=f.mentor(school),
            mentees=[f.teacher(school)],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=START,
            planned_end_date=END,
            acting_user=world.a.users["curator"],
        )
    with pytest.raises(svc.DocumentError) as error:
        draft_pairs_order(world, [pair])
    assert "pairs" in error.value.message_dict
    assert "согласия не собраны" in str(error.value)


def test_only_the_director_approves_and_approval_fixes_the_pairs(world):
    pair = ready_pair(world)
    doc = draft_pairs_order(world, [pair])
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=world.a.users["curator"])
        with pytest.raises(svc.DocumentError):
            svc.approve_document(document=doc, acting_user=world.a.users["curator"])
        with pytest.raises(svc.DocumentError):  # a director of another school is no director here
            svc.approve_document(document=doc, acting_user=world.b.users["director"])
        svc.approve_document(document=doc, acting_user=world.a.users["director"], on=date(2026, 9, 10))
        doc.refresh_from_db()
        pair.refresh_from_db()
        assert doc.status == DocumentStatus.APPROVED
        assert doc.registration_number == "1-о"
        assert (pair.status, pair.order_number, pair.order_date) == (
            PairStatus.FIXED,
            "1-о",
            date(2026, 9, 10),
        )
        assert doc.content_hash == svc.content_hash(doc)
        assert list(DocumentEvent.objects.filter(document=doc).values_list("action", flat=True)) == [
            "created",
            "submitted",
            "approved",
        ]


def test_an_approved_document_cannot_be_edited_refreshed_or_deleted(world):
    doc = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=world.a.users["curator"])
        svc.approve_document(document=doc, acting_user=world.a.users["director"])
        section = doc.sections.first()
        for attempt in (
            lambda: svc.update_section(
                section=section, heading="x", body="y", acting_user=world.a.users["curator"]
            ),
            lambda: svc.update_document(document=doc, title="x", is_public=False, acting_user=None),
            lambda: svc.refresh_document(document=doc, acting_user=None),
            lambda: svc.delete_draft(document=doc, acting_user=None),
            lambda: svc.submit_document(document=doc, acting_user=None),
        ):
            with pytest.raises(svc.DocumentError):
                attempt()


def test_a_returned_document_needs_a_comment_and_goes_back_to_editing(world):
    doc = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=world.a.users["curator"])
        with pytest.raises(svc.DocumentError) as error:
            svc.return_document(document=doc, comment=" ", acting_user=world.a.users["director"])
        assert "comment" in error.value.message_dict
        svc.return_document(document=doc, comment="Уточнить сроки", acting_user=world.a.users["director"])
        doc.refresh_from_db()
        assert (doc.status, doc.director_comment) == (DocumentStatus.RETURNED, "Уточнить сроки")
        section = doc.sections.get(key="clauses")
        svc.update_section(section=section, heading="ПРИКАЗЫВАЮ:", body="1. Иначе.", acting_user=None)
        svc.refresh_document(document=doc, acting_user=None)  # hand-edited sections survive a refresh
        assert doc.sections.get(key="clauses").body == "1. Иначе."


def test_numbers_are_sequential_per_school_and_calendar_year(world):
    with scopes_disabled():
        settings = svc.settings_of(world.a.school)
        settings.order_number_format = "{n}-о/{year}"
        settings.save()
    numbers = []
    for day in (date(2026, 9, 10), date(2026, 12, 30), date(2027, 1, 12)):
        doc = draft_pairs_order(world, [ready_pair(world)])
        with scopes_disabled():
            svc.submit_document(document=doc, acting_user=None)
            svc.approve_document(document=doc, acting_user=world.a.users["director"], on=day)
            doc.refresh_from_db()
            numbers.append(doc.registration_number)
    other = draft_pairs_order(world, [ready_pair(world, school=world.b)], place=world.b)
    with scopes_disabled():
        svc.submit_document(document=other, acting_user=None)
        svc.approve_document(document=other, acting_user=world.b.users["director"], on=date(2026, 9, 10))
        other.refresh_from_db()
    assert numbers == ["1-о/2026", "2-о/2026", "1-о/2027"]
    assert other.registration_number == "1-о"


def test_approval_is_all_or_nothing_when_a_pair_lost_its_state(world):
    first, second = ready_pair(world), ready_pair(world)
    doc = draft_pairs_order(world, [first, second])
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=None)
        pairs.fix_by_order(second, order_number="9", order_date=date(2026, 9, 3), acting_user=None)
        with pytest.raises(svc.DocumentError) as error:
            svc.approve_document(document=doc, acting_user=world.a.users["director"])
        assert f"Пара № {second.pk}" in str(error.value)
        doc.refresh_from_db()
        first.refresh_from_db()
        assert doc.status == DocumentStatus.SUBMITTED and not doc.registration_number
        assert first.status == PairStatus.CONSENTS
        assert not RegistrationCounter.objects.filter(school=world.a.school, last__gt=0).exists()


def test_an_amending_order_refers_to_the_old_one(world):
    doc = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=None)
        svc.approve_document(document=doc, acting_user=world.a.users["director"], on=date(2026, 9, 10))
        doc.refresh_from_db()
    amendment = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        amendment.delete()
        new = svc.amend_document(
            document=doc,
            acting_user=world.a.users["curator"],
            options={"pairs": [str(p.pk) for p in [ready_pair(world)]]},
        )
        assert new.amends_id == doc.pk
        assert "О внесении изменений в приказ от 10.09.2026 № 1-о" in new.title
        svc.submit_document(document=new, acting_user=None)
        svc.approve_document(document=new, acting_user=world.a.users["director"], on=date(2026, 10, 1))
        assert DocumentEvent.objects.filter(document=doc, action="amended").exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_get_different_consecutive_numbers(world):
    """Two directors' clicks in two connections: the counter row serialises them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    docs = [draft_pairs_order(world, [ready_pair(world)]) for _ in range(2)]
    with scopes_disabled():
        for doc in docs:
            svc.submit_document(document=doc, acting_user=None)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(doc):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                svc.approve_document(
                    document=doc, acting_user=world.a.users["director"], on=date(2026, 9, 10)
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    with scopes_disabled():
        numbers = sorted(
            Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("registration_number", flat=True)
        )
    assert numbers == ["1-о", "2-о"]


def _approved(world, doc, day):
    with scopes_disabled():
        svc.submit_document(document=doc, acting_user=world.a.users["curator"])
        return svc.approve_document(document=doc, acting_user=world.a.users["director"], on=day)


def test_an_amending_order_on_pairs_restates_the_appendix_with_the_pairs_still_working(world):
    first = ready_pair(world, last_name="Первая")
    ended = ready_pair(world, last_name="Ушедшая")
    old = _approved(world, draft_pairs_order(world, [first, ended]), date(2026, 9, 10))
    with scopes_disabled():
        pairs.end_early(
            ended.__class__.objects.get(pk=ended.pk),
            reason="mentee_request",
            on=date(2026, 10, 1),
            acting_user=world.a.users["curator"],
        )
    added = ready_pair(world, last_name="Новая")
    with scopes_disabled():
        new = svc.amend_document(document=old, acting_user=None, options={"pairs": [str(added.pk)]})
        names = [row["mentees"][0]["name"].split()[0] for row in new.payload["pairs"]]
        assert names == ["Первая", "Новая"]
        assert [row.pair_id for row in new.pair_rows.all()] == [added.pk]
        assert new.sections.get(key="clauses").body.startswith(
            f"1. Изложить приложение к приказу от 10.09.2026 № {old.registration_number}"
        )
    _approved(world, new, date(2026, 10, 5))
    with scopes_disabled():
        first.refresh_from_db()
        added.refresh_from_db()
        assert added.status == PairStatus.FIXED
        assert first.status == PairStatus.FIXED
        assert first.order_number == old.registration_number


def test_namesakes_with_different_positions_sign_on_their_own_lines():
    from programs.documents.kinds.order_pairs import acquaintance_rows

    rows = [
        {"mentor": "Иванова А. А.", "mentor_position": "учитель математики", "mentees": []},
        {
            "mentor": "Петрова Б. Б.",
            "mentor_position": "учитель химии",
            "mentees": [
                {"name": "Иванова А. А.", "position": "учитель истории"},
                {"name": "Иванова А. А.", "position": "учитель математики"},
            ],
        },
    ]
    assert acquaintance_rows(rows) == [
        {"name": "Иванова А. А.", "position": "учитель математики"},
        {"name": "Петрова Б. Б.", "position": "учитель химии"},
        {"name": "Иванова А. А.", "position": "учитель истории"},
    ]
