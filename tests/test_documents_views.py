"""The documents screens: drafting an order on pairs, editing, the director's decision, the queue,
the mentoring settings, notifications and the query count of the list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    Document,
    DocumentKind,
    DocumentSection,
    DocumentStatus,
    MentoringForm,
    MentoringSettings,
    Notification,
    NotificationPreference,
    PairStatus,
)
from programs.selectors_documents import text_blocks
from programs.services import documents as svc
from programs.services.document_notifications import Kind
from tests.permission_cases.documents import ORDER_YEAR, document_in, pairs_order, ready_pair


def _login(client, world, role: str, place: str = "a"):
    client.force_login(getattr(world, place).users[role])
    return client


def _detail(document: Document) -> str:
    return reverse("programs:document-detail", kwargs={"pk": document.pk})


def _url(name: str, document: Document, **extra) -> str:
    return reverse(f"programs:{name}", kwargs={"pk": document.pk, **extra})


def _reload(document: Document) -> Document:
    with scopes_disabled():
        return Document.objects.get(pk=document.pk)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Drafting through the pages --------------------------------------------------------------------


def test_the_curator_drafts_an_order_on_pairs_through_the_pages(client, world):
    pair = ready_pair(world.a, last_name="Ключевская")
    other = ready_pair(world.a, last_name="Запасная")
    _login(client, world, "curator")

    cards = client.get(reverse("programs:document-create"))
    assert cards.status_code == 200
    assert "Приказ о закреплении наставнических пар (групп)" in cards.content.decode()

    chosen = client.get(
        reverse("programs:document-create"), {"kind": "order_pairs", "school_year": ORDER_YEAR}
    )
    step_two = reverse("programs:document-create-kind", kwargs={"kind": "order_pairs"})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"{step_two}?year={ORDER_YEAR}"

    # The pair card's link ticks its pair; the other ready pair is offered unticked.
    form_page = client.get(step_two, {"pairs": pair.pk, "year": ORDER_YEAR})
    assert form_page.status_code == 200
    page = form_page.content.decode()
    assert re.search(rf'value="{pair.pk}"[^>]*checked', page)
    assert "Запасная" in page
    assert not re.search(rf'value="{other.pk}"[^>]*checked', page)

    created = client.post(step_two, {"school_year": ORDER_YEAR, "pairs": [str(pair.pk)]})
    assert created.status_code == 302
    with scopes_disabled():
        document = Document.objects.get(school=world.a.school)
        assert [row.pair_id for row in document.pair_rows.all()] == [pair.pk]
        assert document.payload["options"] == {"pairs": [str(pair.pk)]}
        assert document.created_by == world.a.users["curator"]
    assert created["Location"] == _detail(document)

    detail = client.get(_detail(document)).content.decode()
    assert "Ключевская" in detail  # the appendix and the «ознакомлены» table
    assert "Состав наставнических пар (групп)" in detail
    assert "С приказом ознакомлены:" in detail
    assert "ПРИКАЗЫВАЮ:" in detail

    # One pair chosen is still a list of pairs when the draft is rebuilt from the data.
    refreshed = client.post(_url("document-refresh", document), follow=True)
    assert refreshed.status_code == 200
    with scopes_disabled():
        assert [row.pair_id for row in document.pair_rows.all()] == [pair.pk]


def test_an_order_without_pairs_shows_the_error_on_the_field(client, world):
    ready_pair(world.a)
    _login(client, world, "curator")
    url = reverse("programs:document-create-kind", kwargs={"kind": "order_pairs"})
    response = client.post(url, {"school_year": ORDER_YEAR})
    assert response.status_code == 200
    assert "Выберите хотя бы одну пару" in response.content.decode()
    assert response.context["form"].errors["pairs"]
    with scopes_disabled():
        assert not Document.objects.exists()


def test_a_pair_without_consents_is_not_offered_and_cannot_be_forced_in(client, world):
    pair = ready_pair(world.a)
    with scopes_disabled():
        MentoringPair = type(pair)
        MentoringPair.objects.filter(pk=pair.pk).update(status=PairStatus.DRAFT)
    _login(client, world, "curator")
    url = reverse("programs:document-create-kind", kwargs={"kind": "order_pairs"})
    response = client.post(url, {"school_year": ORDER_YEAR, "pairs": [str(pair.pk)]})
    assert response.status_code == 200
    assert "согласия не собраны" in response.content.decode()


def test_an_unknown_kind_is_a_404(client, world):
    _login(client, world, "curator")
    url = reverse("programs:document-create-kind", kwargs={"kind": "no-such-kind"})
    assert client.get(url).status_code == 404


def test_the_pair_card_links_to_an_order_with_its_pair(client, world):
    pair = ready_pair(world.a)
    _login(client, world, "curator")
    page = client.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})).content.decode()
    link = reverse("programs:document-create-kind", kwargs={"kind": "order_pairs"})
    assert f"{link}?pairs={pair.pk}" in page
    assert "Включить в приказ о закреплении пар" in page


# --- Editing ---------------------------------------------------------------------------------------


def test_an_edited_section_is_shown_safely_and_survives_a_refresh(client, world):
    document = document_in(world, DocumentStatus.DRAFT)
    with scopes_disabled():
        section = document.sections.get(key="clauses")
    _login(client, world, "curator")
    url = _url("document-section-edit", document, section_pk=section.pk)
    assert client.get(url).status_code == 200
    body = "1. Закрепить пары.\n\n– первый пункт <script>alert(1)</script>\n– второй пункт"
    saved = client.post(url, {"heading": "ПРИКАЗЫВАЮ:", "body": body})
    assert saved.status_code == 302
    assert saved["Location"] == f"{_detail(document)}#section-{section.pk}"

    page = client.get(_detail(document)).content.decode()
    assert "<li>первый пункт &lt;script&gt;alert(1)&lt;/script&gt;</li>" in page
    assert "<li>второй пункт</li>" in page
    assert "<script>alert(1)" not in page
    assert "изменён вручную" in page

    refreshed = client.post(_url("document-refresh", document), follow=True)
    assert "Разделы, изменённые вручную, сохранены: 1." in refreshed.content.decode()
    with scopes_disabled():
        assert DocumentSection.objects.get(pk=section.pk).body == body.replace("\r\n", "\n")


def test_title_and_publication_are_edited_on_their_page(client, world):
    document = document_in(world, DocumentStatus.DRAFT)
    _login(client, world, "curator")
    url = _url("document-edit", document)
    empty = client.post(url, {"title": " ", "is_public": "on"})
    assert empty.status_code == 200
    assert empty.context["form"].errors["title"]
    client.post(url, {"title": "О закреплении пар на 2026/2027 учебный год", "is_public": "on"})
    document = _reload(document)
    assert (document.title, document.is_public) == ("О закреплении пар на 2026/2027 учебный год", True)


def test_changing_the_options_rebuilds_the_draft_with_other_pairs(client, world):
    document = document_in(world, DocumentStatus.DRAFT)
    other = ready_pair(world.a, last_name="Другая")
    _login(client, world, "curator")
    url = _url("document-options", document)
    assert client.get(url).status_code == 200
    response = client.post(url, {"pairs": [str(other.pk)]})
    assert response.status_code == 302
    with scopes_disabled():
        assert [row.pair_id for row in document.pair_rows.all()] == [other.pk]
        assert _reload(document).payload["options"] == {"pairs": [str(other.pk)]}


def test_a_draft_is_deleted_after_a_confirmation_page(client, world):
    document = document_in(world, DocumentStatus.DRAFT)
    _login(client, world, "curator")
    url = _url("document-delete", document)
    assert "Удалить черновик" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("programs:document-list")
    with scopes_disabled():
        assert not Document.objects.filter(pk=document.pk).exists()


# --- Submission and the director's decision --------------------------------------------------------


def test_submitting_notifies_the_director_in_the_app_and_by_mail(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    document = document_in(world, DocumentStatus.DRAFT)
    director = world.a.users["director"]
    director.email = "director@school-a.example"
    director.save()
    _login(client, world, "curator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("document-submit", document), follow=True)
    assert "Документ отправлен руководителю на утверждение." in _messages(response)
    assert _reload(document).status == DocumentStatus.SUBMITTED
    with scopes_disabled():
        note = Notification.objects.get(user=director, kind=Kind.SUBMITTED)
        assert note.url == _detail(document)
        assert "закрепит 1 пару (группу) приказом" in note.body
        assert note.emailed_at is not None
        assert not Notification.objects.filter(user=world.a.users["curator"]).exists()
    assert [m.to for m in mailoutbox] == [["director@school-a.example"]]
    assert document.title in mailoutbox[0].subject


def test_a_director_who_declined_letters_gets_only_the_notification(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    document = document_in(world, DocumentStatus.DRAFT)
    director = world.a.users["director"]
    director.email = "director@school-a.example"
    director.save()
    NotificationPreference.objects.create(user=director, email_enabled=False)
    _login(client, world, "curator")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("document-submit", document))
    with scopes_disabled():
        assert Notification.objects.filter(user=director, kind=Kind.SUBMITTED).exists()
    assert mailoutbox == []


def test_the_curator_cannot_approve_or_return(client, world):
    document = document_in(world, DocumentStatus.SUBMITTED)
    _login(client, world, "curator")
    today = timezone.localdate().isoformat()
    assert client.post(_url("document-approve", document), {"approved_on": today}).status_code == 404
    assert client.post(_url("document-return", document), {"comment": "нет"}).status_code == 404
    page = client.get(_detail(document)).content.decode()
    assert 'data-testid="document-approve"' not in page
    assert "Документ ждёт решения руководителя." in page
    assert _reload(document).status == DocumentStatus.SUBMITTED


def test_the_director_approves_the_number_is_shown_and_the_pairs_are_fixed(client, world):
    document = document_in(world, DocumentStatus.SUBMITTED)
    _login(client, world, "director")
    detail = client.get(_detail(document)).content.decode()
    assert 'data-testid="document-approve"' in detail
    assert "закрепит 1 пару (группу) приказом" in detail

    today = timezone.localdate()
    future = client.post(
        _url("document-approve", document), {"approved_on": (today + timedelta(days=1)).isoformat()}
    )
    assert future.status_code == 200
    assert "не может быть позже сегодняшней" in future.content.decode()

    response = client.post(
        _url("document-approve", document), {"approved_on": today.isoformat()}, follow=True
    )
    assert f"Документ утверждён: № 1-о от {today:%d.%m.%Y}." in _messages(response)
    page = response.content.decode()
    assert "№ 1-о от" in page
    document = _reload(document)
    assert document.status == DocumentStatus.APPROVED
    with scopes_disabled():
        row = document.pair_rows.select_related("pair").get()
        assert (row.pair.status, row.pair.order_number) == (PairStatus.FIXED, "1-о")
        note = Notification.objects.get(user=world.a.users["curator"], kind=Kind.APPROVED)
        assert "№ 1-о" in note.body


def test_returning_needs_a_comment_which_the_author_then_reads(client, world):
    document = document_in(world, DocumentStatus.SUBMITTED)
    _login(client, world, "director")
    url = _url("document-return", document)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"comment": "  "})
    assert empty.status_code == 200
    assert "без комментария документ не вернуть" in empty.content.decode()
    assert _reload(document).status == DocumentStatus.SUBMITTED

    client.post(url, {"comment": "Поправьте сроки <b>в приложении</b>"})
    assert _reload(document).status == DocumentStatus.RETURNED
    _login(client, world, "curator")
    page = client.get(_detail(document)).content.decode()
    assert "Поправьте сроки &lt;b&gt;в приложении&lt;/b&gt;" in page
    assert 'data-testid="document-submit"' in page
    with scopes_disabled():
        note = Notification.objects.get(user=world.a.users["curator"], kind=Kind.RETURNED)
        assert "Поправьте сроки" in note.body


def test_an_approved_document_refuses_every_edit(client, world):
    document = document_in(world, DocumentStatus.APPROVED)
    with scopes_disabled():
        section = document.sections.first()
        before = svc.content_hash(document)
    _login(client, world, "curator")
    for url in (
        _url("document-edit", document),
        _url("document-section-edit", document, section_pk=section.pk),
        _url("document-options", document),
        _url("document-delete", document),
    ):
        for method in (client.get, client.post):
            response = method(url, {"title": "x", "heading": "x", "body": "y"})
            assert response.status_code == 302, url
            assert response["Location"] == _detail(document)
    for name in ("document-refresh", "document-submit"):
        response = client.post(_url(name, document), follow=True)
        assert any("Утверждённый документ изменить нельзя" in m for m in _messages(response)), name
    document = _reload(document)
    assert document.status == DocumentStatus.APPROVED
    with scopes_disabled():
        assert svc.content_hash(document) == before == document.content_hash
    page = client.get(_detail(document)).content.decode()
    assert 'data-testid="section-edit"' not in page
    assert 'data-testid="document-amend"' in page


def test_an_amending_draft_links_both_ways(client, world):
    document = document_in(world, DocumentStatus.APPROVED)
    newcomer = ready_pair(world.a, last_name="Новенькая")
    _login(client, world, "curator")
    form = client.get(_url("document-amend", document))
    assert "Новенькая" in form.content.decode()
    response = client.post(_url("document-amend", document), {"pairs": [str(newcomer.pk)]})
    with scopes_disabled():
        draft = Document.objects.get(amends=document)
    assert response["Location"] == _detail(draft)
    assert draft.status == DocumentStatus.DRAFT
    assert _detail(document) in client.get(_detail(draft)).content.decode()
    assert _detail(draft) in client.get(_detail(document)).content.decode()


@pytest.mark.parametrize("role", ["curator", "director"])
def test_another_school_gets_404_on_every_page_of_a_document(client, world, role):
    document = document_in(world, DocumentStatus.SUBMITTED)
    with scopes_disabled():
        section = document.sections.first()
    _login(client, world, role, place="b")
    for url in (
        _detail(document),
        _url("document-edit", document),
        _url("document-section-edit", document, section_pk=section.pk),
        _url("document-approve", document),
        _url("document-return", document),
    ):
        assert client.get(url).status_code == 404, url
    today = timezone.localdate().isoformat()
    assert client.post(_url("document-approve", document), {"approved_on": today}).status_code == 404
    assert _reload(document).status == DocumentStatus.SUBMITTED


# --- The queue -------------------------------------------------------------------------------------


def test_the_queue_lists_waiting_documents_oldest_first_with_their_effects(client, world):
    first = document_in(world, DocumentStatus.SUBMITTED)
    second = pairs_order(world.a, [ready_pair(world.a), ready_pair(world.a)])
    draft = pairs_order(world.a, [ready_pair(world.a)])
    with scopes_disabled():
        svc.submit_document(document=second, acting_user=world.a.users["curator"])
    other_school = pairs_order(world.b, [ready_pair(world.b)])
    with scopes_disabled():
        svc.submit_document(document=other_school, acting_user=world.b.users["curator"])

    _login(client, world, "director")
    response = client.get(reverse("programs:document-queue"))
    rows = response.context["rows"]
    assert [r.document.pk for r in rows] == [first.pk, second.pk]
    assert rows[0].effects == ["закрепит 1 пару (группу) приказом"]
    assert rows[1].effects == ["закрепит 2 пары (группы) приказом"]
    assert draft.pk not in [r.document.pk for r in rows]
    assert response.content.decode().count('data-testid="queue-approve"') == 2

    _login(client, world, "curator")
    page = client.get(reverse("programs:document-queue")).content.decode()
    assert page.count('data-testid="queue-item"') == 2
    assert 'data-testid="queue-approve"' not in page


# --- Mentoring settings ----------------------------------------------------------------------------


def _settings_data(world, **changes) -> dict:
    data = {
        "curator": "",
        "forms": [str(MentoringForm.objects.get(code="teacher-teacher").pk)],
        "program_min_months": "3",
        "program_max_months": "12",
        "monitoring_day": "30",
        "monitoring_month": "6",
        "council_name": "методический совет наставников",
        "pay_supplement": "",
        "order_number_format": "{n}-о",
        "act_number_format": "{n}-ЛА",
        "public_page_enabled": "on",
        "public_intro": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"program_min_months": "0"},
            "program_min_months",
            "Наименьший срок программы — от 1 до 36 месяцев.",
        ),
        (
            {"program_max_months": "40"},
            "program_max_months",
            "Наибольший срок программы — от 1 до 36 месяцев.",
        ),
        (
            {"program_min_months": "10", "program_max_months": "6"},
            "program_max_months",
            "Наибольший срок программы (6 мес.) меньше наименьшего (10 мес.).",
        ),
        ({"monitoring_day": "31"}, "monitoring_day", "Дня мониторинга 31.06 нет в календаре"),
        ({"monitoring_day": "29", "monitoring_month": "2"}, "monitoring_day", "Дня мониторинга 29.02 нет"),
        ({"monitoring_month": "13"}, "monitoring_month", "Месяц мониторинга — число от 1 до 12."),
        ({"order_number_format": "о-"}, "order_number_format", "Формат номера приказа должен содержать {n}"),
        (
            {"act_number_format": "ЛА"},
            "act_number_format",
            "Формат номера локального акта должен содержать {n}",
        ),
        ({"council_name": " "}, "council_name", "Укажите коллегиальный орган"),
    ],
)
def test_settings_refuse_wrong_values_with_a_message_on_the_field(client, world, changes, field, message):
    _login(client, world, "curator")
    response = client.post(reverse("programs:mentoring-settings"), _settings_data(world, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert message in response.content.decode()


def test_settings_are_saved_and_the_next_number_is_previewed(client, world):
    with scopes_disabled():
        curator_staff = world.a.staff
    _login(client, world, "director")
    page = client.get(reverse("programs:mentoring-settings")).content.decode()
    assert "Следующий номер приказа: 1-о" in page
    data = _settings_data(
        world,
        curator=str(curator_staff.pk),
        order_number_format="{n}-од/{year}",
        pay_supplement="10 % должностного оклада",
    )
    response = client.post(reverse("programs:mentoring-settings"), data, follow=True)
    year = timezone.localdate().year
    assert f"Следующий номер приказа: 1-од/{year}" in response.content.decode()
    with scopes_disabled():
        conf = MentoringSettings.objects.get(school=world.a.school)
        assert conf.curator == curator_staff
        assert conf.pay_supplement == "10 % должностного оклада"
        assert [f.code for f in conf.forms.all()] == ["teacher-teacher"]


def test_settings_refuse_a_curator_of_another_school(client, world):
    _login(client, world, "curator")
    with scopes_disabled():
        foreign = world.b.staff
    response = client.post(
        reverse("programs:mentoring-settings"), _settings_data(world, curator=str(foreign.pk))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["curator"]


def test_the_psychologist_reads_the_settings_but_cannot_change_them(client, world):
    _login(client, world, "psychologist")
    page = client.get(reverse("programs:mentoring-settings"))
    assert page.status_code == 200
    assert 'data-testid="settings-save"' not in page.content.decode()
    assert client.post(reverse("programs:mentoring-settings"), _settings_data(world)).status_code == 404


# --- The list --------------------------------------------------------------------------------------


def _bulk_documents(world, n: int) -> None:
    with scopes_disabled():
        Document.objects.bulk_create(
            Document(
                school=world.a.school,
                kind=DocumentKind.ORDER_PAIRS if i % 2 else DocumentKind.REGULATION,
                school_year=ORDER_YEAR,
                title=f"Документ {i}",
                status=DocumentStatus.DRAFT,
            )
            for i in range(n)
        )


def test_the_list_filters_by_kind_status_and_year(client, world):
    document_in(world, DocumentStatus.APPROVED)
    document_in(world, DocumentStatus.DRAFT)
    _login(client, world, "curator")
    url = reverse("programs:document-list")
    assert len(client.get(url).context["documents"]) == 2
    approved = client.get(url, {"status": "approved"})
    assert [d.status for d in approved.context["documents"]] == ["approved"]
    assert "№ 1-о от" in approved.content.decode()
    assert len(client.get(url, {"kind": "order_pairs"}).context["documents"]) == 2
    assert client.get(url, {"school_year": ORDER_YEAR - 1}).status_code == 200  # a year without documents
    assert len(client.get(url, {"school_year": ORDER_YEAR}).context["documents"]) == 2


def test_the_list_needs_the_same_number_of_queries_for_1_and_30_documents(
    client, world, django_assert_max_num_queries
):
    _login(client, world, "curator")
    url = reverse("programs:document-list")
    _bulk_documents(world, 1)
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _bulk_documents(world, 29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["documents"]) == 30


def test_the_queue_needs_the_same_number_of_queries_for_1_and_5_documents(
    client, world, django_assert_max_num_queries
):
    document_in(world, DocumentStatus.SUBMITTED)
    _login(client, world, "director")
    url = reverse("programs:document-queue")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        with scopes_disabled():
            svc.submit_document(
                document=pairs_order(world.a, [ready_pair(world.a)]), acting_user=world.a.users["curator"]
            )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 5


# --- The text preview ------------------------------------------------------------------------------


def test_section_text_is_cut_into_paragraphs_and_lists():
    blocks = text_blocks("1. Первый абзац\nсо второй строкой\n\n– один\n- два\n\nПоследний")
    assert [(b.lines, b.items) for b in blocks] == [
        (["1. Первый абзац", "со второй строкой"], []),
        ([], ["один", "два"]),
        (["Последний"], []),
    ]


def test_appendix_cells_keep_their_line_breaks_and_are_escaped(client, world):
    document = document_in(world, DocumentStatus.DRAFT)
    with scopes_disabled():
        payload = dict(document.payload)
        payload["appendices"] = [
            {
                "title": "Таблица",
                "columns": ["А", "Б"],
                "rows": [["строка один\nстрока два", "<i>курсив</i>"]],
            }
        ]
        Document.objects.filter(pk=document.pk).update(payload=payload)
    _login(client, world, "curator")
    page = client.get(_detail(document)).content.decode()
    assert "строка один<br>строка два" in page
    assert "&lt;i&gt;курсив&lt;/i&gt;" in page


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_every_kind_opens_its_drafting_page_and_drafts_or_explains_why_not(client, world, kind):
    """An empty school: a draft is made, or the page says what is missing — never a server error."""
    _login(client, world, "curator")
    url = reverse("programs:document-create-kind", kwargs={"kind": kind})
    assert client.get(url, {"year": ORDER_YEAR}).status_code == 200
    response = client.post(url, {"school_year": ORDER_YEAR})
    with scopes_disabled():
        drafted = Document.objects.filter(school=world.a.school, kind=kind).first()
    if drafted is None:
        assert response.status_code == 200
        form, errors = response.context["form"], response.context["errors"]
        assert errors or (form is not None and form.errors)
    else:
        assert response["Location"] == _detail(drafted)
        page = client.get(_detail(drafted))
        assert page.status_code == 200
        assert 'data-testid="document-section"' in page.content.decode()


def test_the_director_may_take_the_number_from_the_schools_own_register(client, world):
    first = document_in(world, DocumentStatus.SUBMITTED)
    _login(client, world, "director")
    today = timezone.localdate().isoformat()
    response = client.post(_url("document-approve", first), {"approved_on": today, "sequence": "45"})
    assert response.status_code == 302
    assert _reload(first).registration_number == "45-о"

    second = pairs_order(world.a, [ready_pair(world.a)])
    with scopes_disabled():
        svc.submit_document(document=second, acting_user=world.a.users["curator"])
    taken = client.post(_url("document-approve", second), {"approved_on": today, "sequence": "45"})
    assert taken.status_code == 200
    assert "Номер должен быть больше 45" in taken.content.decode()
    assert _reload(second).status == DocumentStatus.SUBMITTED

    client.post(_url("document-approve", second), {"approved_on": today})
    assert _reload(second).registration_number == "46-о"
