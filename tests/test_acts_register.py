"""The register of local acts: statuses on a date, the website rule, package categories, external acts, import."""

from __future__ import annotations

import contextlib
import io
from datetime import date, timedelta
from itertools import count

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs import selectors_acts as register
from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    ExternalAct,
    MentoringSettings,
    RequiredAct,
)
from programs.services import acts as services
from schools.imports.files import read_table
from schools.imports.kinds import KINDS
from schools.imports.runner import import_table
from schools.tenancy import school_scope
from tests.factories import SchoolFactory

PDF = b"%PDF-1.4\n% a scan\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_sequence = count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def approved(school, kind: str, on: date, *, number: str = "", public: bool = False, **fields) -> Document:
    """An approved document as the workflow leaves it (numbered, dated), made directly."""
    sequence = next(_sequence)
    with scopes_disabled():
        return Document.objects.create(
            school=school,
            kind=kind,
            school_year=on.year,
            title=fields.pop("title", DocumentKind(kind).label),
            status=DocumentStatus.APPROVED,
            registration_series="acts",
            registration_year=on.year,
            registration_sequence=sequence,
            registration_number=number or f"{sequence}-ЛА",
            approved_on=on,
            is_public=public,
            **fields,
        )


def external(school, requirement: str, on: date, **fields) -> ExternalAct:
    with scopes_disabled():
        return ExternalAct.objects.create(school=school, requirement=requirement, adopted_on=on, **fields)


def items_of(school, on: date) -> dict[str, register.ActStatus]:
    with school_scope([school.pk]):
        return {item.requirement: item for item in register.act_register([school.pk], on)[school.pk]}


def complete_package(school, on: date) -> None:
    for kind in register.REQUIRED_ACT_KINDS.values():
        if kind:
            approved(school, kind, on, public=kind == DocumentKind.REGULATION)


# --- Statuses -----------------------------------------------------------------------------------


def test_an_approved_document_counts_from_its_approval_date_with_its_number(world):
    school = world.a.school
    doc = approved(school, DocumentKind.REGULATION, date(2025, 9, 1), number="7-ЛА")

    assert items_of(school, date(2025, 8, 31))[RequiredAct.REGULATION].state == "missing"
    item = items_of(school, date(2025, 9, 1))[RequiredAct.REGULATION]
    assert (item.state, item.number, item.date, item.document_id) == (
        "system",
        "7-ЛА",
        date(2025, 9, 1),
        doc.pk,
    )


def test_drafts_documents_on_approval_and_other_schools_documents_do_not_count(world):
    school = world.a.school
    with scopes_disabled():
        for status in (DocumentStatus.DRAFT, DocumentStatus.SUBMITTED, DocumentStatus.RETURNED):
            Document.objects.create(
                school=school, kind=DocumentKind.ROADMAP, school_year=2025, title="ДК", status=status
            )
    approved(world.b.school, DocumentKind.ROADMAP, date(2025, 9, 1))

    assert items_of(school, date(2026, 1, 1))[RequiredAct.ROADMAP].state == "missing"


def test_the_latest_approved_document_of_a_kind_wins(world):
    school = world.a.school
    approved(school, DocumentKind.ORDER_CURATOR, date(2024, 9, 1), number="10-о")
    approved(school, DocumentKind.ORDER_CURATOR, date(2025, 9, 1), number="55-о")

    assert items_of(school, date(2025, 1, 1))[RequiredAct.ORDER_CURATOR].number == "10-о"
    assert items_of(school, date(2025, 9, 2))[RequiredAct.ORDER_CURATOR].number == "55-о"


def test_an_external_act_counts_from_its_date_until_one_is_approved_in_the_system(world):
    school = world.a.school
    act = external(school, RequiredAct.ORDER_TARGET_MODEL, date(2022, 3, 10), number="31", scan="x/scan.pdf")
    approved(school, DocumentKind.ORDER_TARGET_MODEL, date(2025, 9, 1), number="3-о")

    assert items_of(school, date(2022, 3, 9))[RequiredAct.ORDER_TARGET_MODEL].state == "missing"
    before = items_of(school, date(2024, 1, 1))[RequiredAct.ORDER_TARGET_MODEL]
    assert (before.state, before.number, before.external_id, before.has_scan) == (
        "external",
        "31",
        act.pk,
        True,
    )
    after = items_of(school, date(2025, 9, 1))[RequiredAct.ORDER_TARGET_MODEL]
    assert (after.state, after.number) == ("system", "3-о")


def test_of_several_external_acts_the_latest_on_the_date_counts(world):
    school = world.a.school
    external(school, RequiredAct.PROGRAM, date(2021, 9, 1), number="old")
    external(school, RequiredAct.PROGRAM, date(2023, 9, 1), number="new")

    assert items_of(school, date(2022, 9, 1))[RequiredAct.PROGRAM].number == "old"
    assert items_of(school, date(2023, 9, 1))[RequiredAct.PROGRAM].number == "new"


# --- The website ------------------------------------------------------------------------------


def test_the_website_is_in_the_system_when_the_page_is_on_and_a_public_regulation_is_approved(world):
    school = world.a.school
    approved(school, DocumentKind.REGULATION, date(2025, 9, 1), public=True)
    with scopes_disabled():
        assert not MentoringSettings.objects.filter(school=school).exists()  # defaults: the page is on

    assert items_of(school, date(2025, 8, 31))[RequiredAct.WEBSITE].state == "missing"
    item = items_of(school, date(2025, 9, 1))[RequiredAct.WEBSITE]
    assert (item.state, item.url) == ("system", reverse("public:school", kwargs={"code": school.code}))


def test_the_website_needs_the_regulation_to_be_public(world):
    school = world.a.school
    approved(school, DocumentKind.REGULATION, date(2025, 9, 1), public=False)

    assert items_of(school, date(2026, 1, 1))[RequiredAct.WEBSITE].state == "missing"


def test_a_switched_off_page_is_no_website_but_a_registered_address_is(world):
    school = world.a.school
    approved(school, DocumentKind.REGULATION, date(2025, 9, 1), public=True)
    with scopes_disabled():
        MentoringSettings.objects.create(school=school, public_page_enabled=False)
    assert items_of(school, date(2026, 1, 1))[RequiredAct.WEBSITE].state == "missing"

    external(school, RequiredAct.WEBSITE, date(2024, 1, 1))  # no address: does not count
    assert items_of(school, date(2026, 1, 1))[RequiredAct.WEBSITE].state == "missing"

    external(school, RequiredAct.WEBSITE, date(2024, 2, 1), url="https://school.ru/nastavnichestvo")
    item = items_of(school, date(2026, 1, 1))[RequiredAct.WEBSITE]
    assert (item.state, item.url) == ("external", "https://school.ru/nastavnichestvo")


# --- Summary ------------------------------------------------------------------------------------


def test_the_package_is_complete_in_progress_or_not_formed(world):
    on = date(2025, 10, 1)
    complete_package(world.a.school, date(2025, 9, 1))
    external(world.b.school, RequiredAct.REGULATION, date(2020, 1, 1))
    ids = [world.a.school.pk, world.b.school.pk, world.c.school.pk]

    with scopes_disabled():
        summary = register.register_summary(ids, on)

    assert summary[world.a.school.pk].state == register.PackageState.COMPLETE
    assert (summary[world.a.school.pk].present, summary[world.a.school.pk].missing) == (7, ())
    assert summary[world.b.school.pk].state == register.PackageState.IN_PROGRESS
    assert summary[world.b.school.pk].present == 1
    assert summary[world.c.school.pk].state == register.PackageState.NOT_FORMED
    assert summary[world.c.school.pk].missing == tuple(RequiredAct.values)
    assert str(summary[world.c.school.pk].state_label) == "пакет документов не сформирован"


def test_a_school_outside_the_scope_is_left_out(world):
    with school_scope([world.a.school.pk]):
        result = register.act_register([world.a.school.pk, world.b.school.pk], date(2025, 1, 1))
    assert list(result) == [world.a.school.pk]


def _schools_with_acts(world, n: int) -> list[int]:
    ids = []
    with scopes_disabled():
        for _ in range(n):
            school = SchoolFactory(municipality=world.a.school.municipality)
            approved(school, DocumentKind.REGULATION, date(2025, 9, 1), public=True)
            approved(school, DocumentKind.ORDER_PAIRS, date(2025, 9, 2))
            external(school, RequiredAct.ROADMAP, date(2023, 1, 1), scan="x/s.pdf")
            MentoringSettings.objects.create(school=school, public_page_enabled=bool(len(ids) % 2))
            ids.append(school.pk)
    return ids


def test_the_register_of_many_schools_costs_the_same_few_queries(world):
    few, many = _schools_with_acts(world, 3), _schools_with_acts(world, 30)
    counts = []
    for ids in (few, many):
        with school_scope(ids), CaptureQueriesContext(connection) as queries:
            result = register.register_summary(ids, date(2025, 10, 1))
        assert len(result) == len(ids)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


# --- The page -----------------------------------------------------------------------------------


def test_the_register_page_shows_each_item_with_its_state(client, world):
    school = world.a.school
    doc = approved(school, DocumentKind.ROADMAP, date(2025, 9, 1), number="4-ЛА")
    external(school, RequiredAct.ORDER_CURATOR, date(2023, 9, 1), number="17", scan="x/s.pdf")
    client.force_login(world.a.users["psychologist"])

    page = client.get(reverse("programs:act-register")).content.decode()

    assert "4-ЛА" in page and "17" in page
    assert page.count('data-testid="act-state"') == 7
    assert "Зарегистрировать принятый ранее документ" not in page  # a reader only
    assert "/scan/" not in page  # scans are for the director and the curator
    with contextlib.suppress(NoReverseMatch):  # the document's page is another feature's
        assert reverse("programs:document-detail", kwargs={"pk": doc.pk}) in page


def test_the_register_page_on_a_past_date(client, world):
    approved(world.a.school, DocumentKind.ROADMAP, date(2025, 9, 1), number="4-ЛА")
    client.force_login(world.a.users["curator"])

    before = client.get(reverse("programs:act-register"), {"on": "2025-08-01"}).content.decode()
    now = client.get(reverse("programs:act-register")).content.decode()

    assert "4-ЛА" not in before and "01.08.2025" in before
    assert "4-ЛА" in now
    assert "Зарегистрировать принятый ранее документ" in now


# --- External acts: the form and the service ------------------------------------------------------


def _post_act(client, **data):
    fields = {
        "requirement": "regulation",
        "title": "",
        "number": "",
        "adopted_on": "2023-09-01",
        "url": "",
        "note": "",
    }
    fields.update(data)
    return client.post(reverse("programs:act-external-create"), fields)


def test_the_curator_registers_an_act_with_a_scan(client, world):
    client.force_login(world.a.users["curator"])
    scan = SimpleUploadedFile("polozhenie.pdf", PDF, content_type="application/pdf")

    response = _post_act(client, number="45-о", scan=scan)

    assert response.status_code == 302
    with scopes_disabled():
        act = ExternalAct.objects.get(school=world.a.school)
    assert (act.requirement, act.number, act.adopted_on) == ("regulation", "45-о", date(2023, 9, 1))
    assert act.scan.name.startswith(f"external-acts/{world.a.school.pk}/")
    assert "polozhenie" not in act.scan.name  # a random name
    download = client.get(reverse("programs:act-external-scan", kwargs={"pk": act.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"


def test_a_future_date_and_a_website_without_address_are_refused_on_their_fields(client, world):
    client.force_login(world.a.users["curator"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = _post_act(client, requirement="website", adopted_on=tomorrow)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["adopted_on"] == ["Дата принятия документа не может быть в будущем."]
    assert form.errors["url"] == ["Для раздела «Наставничество» на сайте укажите адрес страницы."]
    with scopes_disabled():
        assert not ExternalAct.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00 not a pdf", "не является файлом PDF"),
        ("scan.exe", PDF, "Скан документа — файл PDF, JPEG или PNG"),
        ("scan.png", b"", "пуст"),
        ("scan.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "слишком большой"),
    ],
)
def test_a_scan_must_be_a_real_pdf_jpeg_or_png_up_to_10_mb(world, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with school_scope([world.a.school.pk]), pytest.raises(services.ActError) as error:
        services.create_external_act(
            school=world.a.school,
            requirement=RequiredAct.PROGRAM,
            adopted_on=date(2023, 1, 1),
            scan=upload,
            acting_user=world.a.users["curator"],
        )
    assert message in " ".join(error.value.message_dict["scan"])


def test_a_png_scan_is_accepted_and_a_new_scan_replaces_the_old_file(world):
    school = world.a.school
    with school_scope([school.pk]):
        act = services.create_external_act(
            school=school,
            requirement=RequiredAct.PROGRAM,
            adopted_on=date(2023, 1, 1),
            scan=SimpleUploadedFile("a.png", PNG),
            acting_user=None,
        )
        storage, old = act.scan.storage, act.scan.name
        assert old.endswith(".png") and storage.exists(old)
        with pytest.raises(services.ActError):  # a refused scan changes nothing
            services.update_external_act(
                act=act,
                requirement="program",
                adopted_on=date(2023, 1, 1),
                scan=SimpleUploadedFile("b.pdf", b"no"),
                acting_user=None,
            )
        assert storage.exists(old)
        act = services.update_external_act(
            act=act,
            requirement="program",
            adopted_on=date(2023, 1, 2),
            scan=SimpleUploadedFile("b.pdf", PDF),
            acting_user=None,
        )
    assert act.scan.name.endswith(".pdf")
    assert act.adopted_on == date(2023, 1, 2)


def test_the_curator_edits_and_deletes_an_external_act(client, world):
    act = external(world.a.school, RequiredAct.ROADMAP, date(2023, 1, 1), number="1")
    client.force_login(world.a.users["curator"])
    url = reverse("programs:act-external-edit", kwargs={"pk": act.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, {"requirement": "roadmap", "number": "2", "adopted_on": "2023-02-01"})
    assert response.status_code == 302
    with scopes_disabled():
        act.refresh_from_db()
    assert (act.number, act.adopted_on) == ("2", date(2023, 2, 1))

    delete_url = reverse("programs:act-external-delete", kwargs={"pk": act.pk})
    assert "Удалить документ из реестра" in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    with scopes_disabled():
        assert not ExternalAct.objects.filter(pk=act.pk).exists()


def test_another_schools_act_and_a_psychologist_get_404(client, world):
    act = external(world.a.school, RequiredAct.ROADMAP, date(2023, 1, 1), scan="x/s.pdf")
    client.force_login(world.b.users["curator"])
    for name in ("act-external-edit", "act-external-delete", "act-external-scan"):
        assert client.get(reverse(f"programs:{name}", kwargs={"pk": act.pk})).status_code == 404
    client.force_login(world.a.users["psychologist"])
    assert client.get(reverse("programs:act-external-scan", kwargs={"pk": act.pk})).status_code == 404


# --- Import ---------------------------------------------------------------------------------------

HEADERS = ["Документ", "Наименование", "Номер", "Дата", "Ссылка", "Примечание"]


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(school, content: bytes, *, commit: bool = True):
    with school_scope([school.pk]):
        return import_table(KINDS["documents"], school, read_table("akty.xlsx", content), commit=commit)


GOOD = [
    HEADERS,
    ["Положение", "Положение о системе наставничества", "", "01.09.2023", "", ""],
    ["ПРИКАЗ О ЦМН", "О внедрении целевой модели", "31-о", "10.03.2022", "", "подписан"],
    ["Приказ о назначении куратора", "", "32-о", date(2022, 3, 10), "", ""],
    ["сайт", "", "", "01.02.2024", "school.ru/nastavnichestvo", ""],
    ["roadmap", "Дорожная карта 2023/24", "", "01.09.2023", "", ""],
]


def test_an_import_registers_acts_with_short_names_codes_and_real_dates(world):
    report = run(world.a.school, xlsx(GOOD))

    assert report.ok and report.committed, [str(i) for i in report.issues]
    assert report.created == 5
    items = items_of(world.a.school, date(2024, 6, 1))
    assert {r: i.state for r, i in items.items()} == {
        "website": "external",
        "regulation": "external",
        "program": "missing",
        "order_pairs": "missing",
        "order_target_model": "external",
        "order_curator": "external",
        "roadmap": "external",
    }
    assert items["website"].url == "https://school.ru/nastavnichestvo"
    assert items["order_target_model"].number == "31-о"


def test_a_second_import_of_the_same_file_changes_nothing(world):
    run(world.a.school, xlsx(GOOD))
    report = run(world.a.school, xlsx(GOOD))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)


def test_one_bad_row_rejects_the_whole_file_naming_rows_and_columns(world):
    future = (timezone.localdate() + timedelta(days=10)).strftime("%d.%m.%Y")
    rows = [
        HEADERS,
        ["Положение", "", "", "01.09.2023", "", ""],
        ["Приказ о выходных", "", "", "01.09.2023", "", ""],
        ["Программа", "", "", future, "", ""],
        ["Сайт", "", "", "01.09.2023", "", ""],
        ["Дорожная карта", "", "", "", "", ""],
    ]

    report = run(world.a.school, xlsx(rows))

    assert not report.ok and not report.committed
    issues = [str(i) for i in report.issues]
    assert any(
        i.startswith("Строка 3, «Документ»: Неизвестный документ «Приказ о выходных»") for i in issues
    ), issues
    assert "Строка 4, «Дата»: Дата принятия документа не может быть в будущем." in issues
    assert "Строка 5, «Ссылка»: Для раздела «Наставничество» на сайте укажите адрес страницы." in issues
    assert "Строка 6, «Дата»: Укажите дату принятия документа." in issues
    with scopes_disabled():
        assert not ExternalAct.objects.exists()


def test_the_command_imports_documents_for_one_school(world, tmp_path):
    path = tmp_path / "akty.xlsx"
    path.write_bytes(xlsx(GOOD))
    out = io.StringIO()

    call_command("import_data", "documents", str(path), "--school", world.a.school.code, stdout=out)

    assert "создано 5" in out.getvalue()
    with scopes_disabled():
        assert ExternalAct.objects.filter(school=world.a.school).count() == 5
        assert not ExternalAct.objects.filter(school=world.b.school).exists()


def test_the_command_rejects_a_bad_file_and_writes_nothing(world, tmp_path):
    path = tmp_path / "akty.xlsx"
    path.write_bytes(xlsx([HEADERS, ["Положение", "", "", "31.02.2023", "", ""]]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_data", "documents", str(path), "--school", world.a.school.code, stderr=err)

    assert "Строка 2, «Дата»: Не удалось прочитать дату «31.02.2023»" in err.getvalue()
    with scopes_disabled():
        assert not ExternalAct.objects.exists()


def test_the_import_page_and_template_of_documents_open_for_the_curator(client, world):
    client.force_login(world.a.users["curator"])
    page = client.get(reverse("schools:import", kwargs={"kind": "documents"}))
    assert page.status_code == 200
    assert "Локальные акты, принятые до Наставника" in page.content.decode()
    template = client.get(reverse("schools:import-template", kwargs={"kind": "documents"}))
    workbook = openpyxl.load_workbook(io.BytesIO(template.content), read_only=True)
    assert list(next(workbook.worksheets[0].iter_rows(values_only=True))) == HEADERS


def test_an_exported_register_imports_again_without_changes(client, world):
    run(world.a.school, xlsx(GOOD))
    client.force_login(world.a.users["curator"])
    exported = client.get(reverse("schools:export", kwargs={"kind": "documents"})).content

    report = run(world.a.school, exported)

    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 5)
