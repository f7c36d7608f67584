"""The audit trail (schools/audit.py) and the page «Журнал действий» (schools/views_audit.py)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from mentoring.log_filters import ScrubSecretsFilter, scrub
from programs.services import documents as document_services
from schools.audit import Action, Outcome, record
from schools.forms_registries import StaffForm
from schools.models import AuditEntry, Staff, User
from schools.tenancy import school_scope
from tests.factories import StaffFactory
from tests.permission_cases.pairs import _consent
from tests.test_documents_workflow import draft_pairs_order, ready_pair

AUDIT_URL = reverse("schools:audit-log")


def _entries(**filters) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(**filters).order_by("pk"))


def _of(obj, action: int) -> list[AuditEntry]:
    return _entries(object_pk=str(obj.pk), content_type__model=obj._meta.model_name, action=action)


# --- Changes of records ---------------------------------------------------------------------------


def test_creating_changing_and_deleting_a_record_writes_entries_with_old_and_new_values(world):
    school = world.a.school
    with school_scope([school.pk]):
        person = Staff.objects.create(
            school=school, last_name="Журнальная", first_name="Анна", position="учитель", experience_years=3
        )
        person.position = "заместитель директора"
        person.experience_years = 4
        person.save()
        pk = person.pk
        person.delete()

    [created] = _entries(object_pk=str(pk), content_type__model="staff", action=Action.CREATE)
    [changed] = _entries(object_pk=str(pk), content_type__model="staff", action=Action.UPDATE)
    [deleted] = _entries(object_pk=str(pk), content_type__model="staff", action=Action.DELETE)
    assert created.school_id == changed.school_id == deleted.school_id == school.pk
    assert created.changes["last_name"] == ["None", "Журнальная"]
    assert changed.changes == {
        "position": ["учитель", "заместитель директора"],
        "experience_years": ["3", "4"],
    }
    assert deleted.changes["position"] == ["заместитель директора", "None"]
    assert "Журнальная" in deleted.object_repr


def test_a_child_record_gets_the_school_of_its_parent(world):
    pair = ready_pair(world)
    with school_scope([world.a.school.pk]):  # rows two steps from the school: pair → mentee link
        mentee_row = pair.mentee_links.get()
        pk = mentee_row.pk
        mentee_row.delete()
    [entry] = _entries(object_pk=str(pk), content_type__model="pairmentee", action=Action.DELETE)
    assert entry.school_id == world.a.school.pk


def test_a_change_through_a_page_records_who_in_which_role_from_which_address(client, world):
    curator = world.user("a", "curator")
    staff = world.a.staff
    client.force_login(curator)
    with scopes_disabled():
        data = {k: v for k, v in model_to_dict(staff, fields=StaffForm._meta.fields).items() if v is not None}
    data["position"] = "педагог-организатор"
    response = client.post(
        reverse("schools:staff-edit", kwargs={"pk": staff.pk}), data, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [entry] = _of(staff, Action.UPDATE)
    assert entry.actor == curator
    assert entry.actor_role == "curator"
    assert entry.remote_addr == "203.0.113.7"
    assert entry.school_id == world.a.school.pk
    assert entry.changes["position"][1] == "педагог-организатор"


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw_not_what_the_client_wrote(
    client, world, settings
):
    settings.PROXY_COUNT = 1
    client.force_login(world.user("a", "curator"))
    client.get(
        reverse("schools:staff-detail", kwargs={"pk": world.b.staff.pk}),
        HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.4",
        REMOTE_ADDR="127.0.0.1",
    )
    [entry] = _entries(action=Action.DENIED)
    assert entry.remote_addr == "198.51.100.4"


def test_a_rolled_back_change_leaves_no_entry(world):
    staff = world.a.staff
    before = len(_entries())
    with school_scope([world.a.school.pk]), pytest.raises(RuntimeError), transaction.atomic():
        staff.position = "директор"
        staff.save()
        assert len(_entries()) == before + 1  # written in the same transaction …
        raise RuntimeError("the change fails after its entry was written")
    assert len(_entries()) == before  # … and gone with it


def test_no_password_is_ever_recorded(client, world):
    user = world.user("a", "mentor")
    user.set_password("old-secret-password-1")
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "old-secret-password-1",
            "new_password1": "Brand-new-Passw0rd!",
            "new_password2": "Brand-new-Passw0rd!",
        },
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong-Passw0rd!"})
    for entry in _entries():
        stored = f"{entry.changes} {entry.additional_data} {entry.object_repr} {entry.serialized_data}"
        assert "password" not in (entry.changes or {})
        assert "Passw0rd" not in stored and "secret-password" not in stored
        assert "pbkdf2" not in stored and "md5$" not in stored


def test_record_drops_details_that_look_like_secrets(world):
    entry = record(Action.EXPORT, obj=world.a.staff, file="staff.xlsx", token="abc", password="x")
    assert entry.additional_data == {"file": "staff.xlsx"}


# --- Approvals ------------------------------------------------------------------------------------


def test_approving_and_returning_documents_are_recorded(world):
    director = world.a.users["director"]
    returned = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        document_services.submit_document(document=returned, acting_user=world.a.users["curator"])
        document_services.return_document(document=returned, comment="Исправьте дату", acting_user=director)
    [back] = _of(returned, Action.RETURN)
    assert back.actor == director and back.school_id == world.a.school.pk

    approved = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        document_services.submit_document(document=approved, acting_user=world.a.users["curator"])
        document_services.approve_document(document=approved, acting_user=director, on=date(2026, 9, 10))
    [entry] = _of(approved, Action.APPROVE)
    assert entry.actor == director
    assert entry.school_id == world.a.school.pk
    assert entry.changes == {"registration_number": ["", "1-о"]}


def test_a_failed_approval_leaves_no_approval_entry(world):
    document = draft_pairs_order(world, [ready_pair(world)])
    with scopes_disabled():
        document_services.submit_document(document=document, acting_user=world.a.users["curator"])
        with pytest.raises(document_services.DocumentError):
            document_services.approve_document(document=document, acting_user=world.a.users["curator"])
    assert _of(document, Action.APPROVE) == []


# --- Exports and downloads ------------------------------------------------------------------------


def test_an_export_is_recorded_with_its_file_name(client, world):
    client.force_login(world.user("a", "curator"))
    response = client.get(reverse("schools:export", kwargs={"kind": "staff"}))
    assert response.status_code == 200
    [entry] = _entries(action=Action.EXPORT)
    assert entry.actor == world.user("a", "curator")
    assert entry.school_id == world.a.school.pk
    assert (
        entry.additional_data["file"].startswith("staff-school-a")
        or "school-a" in entry.additional_data["file"]
    )
    assert entry.additional_data["view"] == "schools:export"


def test_a_file_download_is_recorded_with_the_object_it_belongs_to(client, world):
    consent = _consent(world)
    client.force_login(world.user("a", "curator"))
    response = client.get(reverse("programs:consent-scan", kwargs={"pk": consent.pk}))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [entry] = _of(consent, Action.DOWNLOAD)
    assert entry.school_id == world.a.school.pk
    assert entry.additional_data["file"] == f"consent-{consent.pk}.pdf"


def test_an_import_is_recorded_once_and_its_rows_one_by_one(world, settings, tmp_path):
    from tests.test_imports import GOOD_STAFF, csv_bytes, run

    settings.MEDIA_ROOT = tmp_path / "media"
    report = run("staff", world.a.school, "kadry.csv", csv_bytes(GOOD_STAFF))
    assert report.committed
    [entry] = _entries(action=Action.IMPORT)
    assert entry.school_id == world.a.school.pk and entry.additional_data == {"rows": "2"}
    created = _entries(action=Action.CREATE, content_type__model="staff", school=world.a.school)
    assert {e.changes["last_name"][1] for e in created} >= {"Соколова", "Орлов"}


def test_a_checked_but_not_committed_import_leaves_nothing(world):
    from tests.test_imports import GOOD_STAFF, csv_bytes, run

    before = len(_entries())
    assert not run("staff", world.a.school, "kadry.csv", csv_bytes(GOOD_STAFF), commit=False).committed
    assert len(_entries()) == before


# --- Logins and refused access --------------------------------------------------------------------


def test_login_logout_and_a_failed_login_are_recorded(client, world):
    director = world.user("a", "director")
    director.set_password("Correct-horse-1")
    director.save()
    client.post(reverse("accounts:login"), {"username": director.username, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": director.username, "password": "Correct-horse-1"})
    client.post(reverse("accounts:logout"))

    [failed] = _entries(action=Action.LOGIN_FAILED)
    assert failed.outcome == Outcome.FAILED and failed.object_repr == director.username
    assert failed.actor is None and failed.school_id is None
    [login] = _entries(action=Action.LOGIN)
    assert login.actor == director and login.school_id == world.a.school.pk and login.actor_role == "director"
    assert login.remote_addr == "127.0.0.1"
    [logout] = _entries(action=Action.LOGOUT)
    assert logout.actor == director and logout.school_id == world.a.school.pk


def test_opening_another_schools_object_is_refused_and_recorded(client, world):
    intruder = world.user("b", "curator")
    client.force_login(intruder)
    url = reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk})
    assert client.get(url).status_code == 404
    [entry] = _entries(action=Action.DENIED)
    assert entry.outcome == Outcome.DENIED
    assert entry.actor == intruder
    assert entry.school_id == world.b.school.pk  # the intruder's school: their director sees it
    assert entry.object_repr == url
    assert entry.additional_data == {"view": "schools:staff-detail", "status": "404"}


def test_a_role_without_access_to_a_page_is_refused_and_recorded(client, world):
    client.force_login(world.user("a", "mentee"))
    assert client.get(reverse("schools:staff-list")).status_code == 404
    assert len(_entries(action=Action.DENIED, school=world.a.school)) == 1


def test_an_unknown_address_and_anonymous_visitors_are_not_recorded_as_refusals(client, world):
    client.get(reverse("schools:staff-detail", kwargs={"pk": world.a.staff.pk}))  # to the login page
    client.force_login(world.user("a", "curator"))
    client.get("/no-such-page/")
    assert _entries(action=Action.DENIED) == []


# --- The page -------------------------------------------------------------------------------------


def test_the_director_sees_the_entries_of_their_own_school_only(client, world):
    with school_scope([world.b.school.pk]):
        world.b.staff.position = "Должность-школы-Б"
        world.b.staff.save()
    with school_scope([world.a.school.pk]):
        world.a.staff.position = "Должность-школы-А"
        world.a.staff.save()
    client.force_login(world.user("a", "director"))
    page = client.get(AUDIT_URL).content.decode()
    assert "Должность-школы-А" in page
    assert "Должность-школы-Б" not in page
    assert world.b.marker not in page


def test_the_platform_administrator_sees_every_school_and_filters_by_school(client, world):
    with school_scope([world.b.school.pk]):
        world.b.staff.position = "Должность-школы-Б"
        world.b.staff.save()
    client.force_login(world.admin)
    page = client.get(AUDIT_URL).content.decode()
    assert "Должность-школы-Б" in page and world.a.marker in page
    filtered = client.get(AUDIT_URL, {"school": "school-a"}).content.decode()
    assert "Должность-школы-Б" not in filtered and world.a.marker in filtered


@pytest.mark.parametrize("role", ["curator", "psychologist", "mentor", "mentee", "municipal_methodist"])
def test_other_roles_cannot_open_the_page(client, world, role):
    client.force_login(world.user("a", role))
    assert client.get(AUDIT_URL).status_code == 404


def test_the_page_filters_by_action_outcome_user_object_type_and_dates(client, world):
    director = world.user("a", "director")
    curator = world.user("a", "curator")
    client.force_login(curator)
    client.get(reverse("schools:export", kwargs={"kind": "staff"}))
    client.get(reverse("programs:mentor-list") + "999999/")  # refused
    client.force_login(director)

    def rows(**query) -> int:
        response = client.get(AUDIT_URL, query)
        assert response.status_code == 200
        return len(response.context["rows"])

    assert rows(action=Action.EXPORT) == 1
    assert rows(outcome=Outcome.DENIED) == len(_entries(outcome=Outcome.DENIED, school=world.a.school))
    assert rows(user=curator.username, action=Action.EXPORT) == 1
    assert rows(user=director.username, action=Action.EXPORT) == 0
    assert rows(object_type="schools.staff") == len(
        _entries(content_type__model="staff", school=world.a.school)
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert rows(date_from=tomorrow.isoformat()) == 0
    assert rows(date_to=timezone.localdate().isoformat(), action=Action.EXPORT) == 1
    response = client.get(AUDIT_URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "раньше даты начала" in response.content.decode()


def test_the_page_shows_changes_with_field_names_and_choice_labels(client, world):
    with school_scope([world.a.school.pk]):
        world.a.staff.employment_status = "maternity"
        world.a.staff.save()
    client.force_login(world.user("a", "director"))
    page = client.get(AUDIT_URL).content.decode()
    assert "работает → в отпуске по уходу за ребёнком" in page
    assert str(Staff._meta.get_field("employment_status").verbose_name) in page


def test_the_page_costs_as_many_queries_for_50_entries_as_for_5(client, world, django_assert_max_num_queries):
    client.force_login(world.user("a", "director"))
    client.get(AUDIT_URL)  # warm-up: content types and the like
    with CaptureQueriesContext(connection) as small:
        assert client.get(AUDIT_URL).status_code == 200
    with school_scope([world.a.school.pk]):
        for i in range(60):
            StaffFactory(school=world.a.school, last_name=f"Новикова{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(AUDIT_URL)
    assert len(response.context["rows"]) == 50


def test_the_trail_cannot_be_changed_from_the_admin_site(client, world):
    record(Action.EXPORT, obj=world.a.staff)
    entry = _entries()[-1]
    client.force_login(world.admin)
    assert client.get(reverse("admin:schools_auditentry_changelist")).status_code == 200
    change_page = client.get(reverse("admin:schools_auditentry_change", args=[entry.pk]))
    assert change_page.status_code == 200 and 'name="_save"' not in change_page.content.decode()
    assert (
        client.post(reverse("admin:schools_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:schools_auditentry_add")).status_code == 403
    assert len(_entries(pk=entry.pk)) == 1


def test_the_page_offers_no_way_to_edit_or_delete(client, world):
    client.force_login(world.user("a", "director"))
    page = client.get(AUDIT_URL).content.decode()
    content = page.split('class="page-title"', 1)[1]
    assert "<form" in content and 'method="post"' not in content.lower()
    assert client.post(AUDIT_URL).status_code == 405


# --- Application logs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Not Found: /accounts/password/reset/MQ/c4x9-7a1b2c3d4e5f/", "c4x9-7a1b2c3d4e5f"),
        ("POST data: username=ivanov&password=Qwerty123", "Qwerty123"),
        ("Cookie: sessionid=abcdef0123456789; csrftoken=zzz999", "abcdef0123456789"),
        ('{"token": "secret-token-value"}', "secret-token-value"),
        ("Authorization: Bearer eyJhbGciOi", "eyJhbGciOi"),
        ("Mail to ivanova@school.ru was not sent", "ivanova@school.ru"),
    ],
)
def test_the_log_filter_masks_secrets_and_e_mail_addresses(text, hidden):
    assert hidden not in scrub(text)
    assert "***" in scrub(text)


def test_the_log_filter_rewrites_records_with_arguments():
    record_ = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x?password=1",), None
    )
    assert ScrubSecretsFilter().filter(record_) is True
    assert record_.getMessage() == "Not Found: /x?password=***"


def test_the_console_handler_uses_the_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "scrub" in handler["filters"]
    assert settings.LOGGING["filters"]["scrub"]["()"] == "mentoring.log_filters.ScrubSecretsFilter"


def test_the_celery_worker_handlers_get_the_filter_too():
    from mentoring.celery import scrub_worker_logs

    logger = logging.getLogger("test.worker")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        scrub_worker_logs(logger=logger)
        scrub_worker_logs(logger=logger)
        assert [type(f) for f in handler.filters] == [ScrubSecretsFilter]
    finally:
        logger.removeHandler(handler)


def test_a_login_logs_no_personal_data_at_info(client, world, caplog):
    director = world.user("a", "director")
    director.set_password("Correct-horse-1")
    director.email = "director-a@school.ru"
    director.save()
    with caplog.at_level(logging.INFO):
        client.post(reverse("accounts:login"), {"username": director.email, "password": "wrong"})
        client.post(reverse("accounts:login"), {"username": director.email, "password": "Correct-horse-1"})
        client.get(AUDIT_URL)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert director.email not in logged and "Correct-horse-1" not in logged
    assert director.last_name not in logged


def test_user_rows_are_tracked_without_their_password(world):
    user = User.objects.create_user(username="new-person", password="Some-Passw0rd-9", last_name="Новая")
    [entry] = _of(user, Action.CREATE)
    assert "password" not in entry.changes and entry.changes["last_name"] == ["None", "Новая"]


def test_changed_foreign_keys_are_shown_by_name_and_another_schools_row_by_number(client, world):
    from programs.models import PairMentee
    from tests import programs_factories as f
    from tests.test_pairs_views import make_pair

    school = world.a.school
    mentee = f.teacher(school, last_name="Ссылочная", experience_years=1)
    pair = make_pair(world, mentees=[mentee])
    stranger = f.teacher(world.b.school, last_name="Чужакова", experience_years=1)
    with scopes_disabled():
        link = PairMentee.objects.get(pair=pair)
        PairMentee.objects.filter(pk=link.pk).update(mentee=stranger)  # as if moved by mistake
    client.force_login(world.user("a", "director"))

    page = client.get(AUDIT_URL, {"object_type": "programs.pairmentee"}).content.decode()

    assert "Ссылочная" in page  # the mentee of the create entry and the old value of the change
    # The new mentee is outside the director's school: the change shows the id, not a name read
    # from another school (the entry's own text is what was written at the time).
    assert f"№ {stranger.pk}" in page


def test_dates_are_shown_as_the_interface_writes_them_and_the_id_is_left_out(db):
    from django.contrib.contenttypes.models import ContentType

    from programs.models import Document
    from schools.selectors_audit import audit_rows

    entry = AuditEntry(
        action=Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Document),
        changes={
            "id": ["None", "5"],
            "submitted_at": ["None", "2026-12-02 20:46:13.571822"],  # auditlog: naive UTC
            "school_year": ["2025", "2026"],
        },
    )
    [row] = audit_rows([entry])
    shown = {c.field: (c.old, c.new) for c in row.changes}
    assert shown[str(Document._meta.get_field("submitted_at").verbose_name)] == ("—", "02.12.2026 23:46")
    assert len(shown) == 2  # no «ID»
