"""Files of local acts (programs/documents/rendering.py, programs/services/document_files.py).

PDFs are read back with poppler's pdftotext/pdffonts; DOCX files with python-docx. Celery runs
eagerly here: a rendering requested inside a transaction runs when ``on_commit`` callbacks are
executed (``django_capture_on_commit_callbacks(execute=True)``).
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.documents import rendering
from programs.documents.docx import build_docx
from programs.models import (
    Document,
    DocumentEvent,
    DocumentKind,
    DocumentRendering,
    DocumentSection,
    DocumentStatus,
    RenderStatus,
)
from programs.services import document_files
from programs.services import documents as svc
from programs.tasks import render_document
from tests.test_documents_workflow import draft_pairs_order, ready_pair

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

APPROVED_ON = date(2026, 9, 10)
MENTEES = ("Берёзкина", "Ольховская", "Рябинина")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def school_a(world):
    with scopes_disabled():
        school = world.a.school
        school.full_name = "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»"
        school.director_name = "Соколова Ирина Викторовна"
        school.save()
    return school


def pdf_text(blob: bytes) -> str:
    """The text of a PDF, whitespace collapsed (table cells wrap names over lines)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=blob, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8").replace("\u00a0", " "))


def docx_text(blob: bytes) -> str:
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(blob))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in word.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return re.sub(r"\s+", " ", " ".join(parts).replace("\u00a0", " "))


def order_on_pairs(world, *, approve: bool, count: int = 3) -> Document:
    pairs = [ready_pair(world, last_name=name) for name in MENTEES[:count]]
    document = draft_pairs_order(world, pairs)
    if approve:
        with scopes_disabled():
            svc.submit_document(document=document, acting_user=world.a.users["curator"])
            svc.approve_document(document=document, acting_user=world.a.users["director"], on=APPROVED_ON)
            document.refresh_from_db()
    return document


def names_in(document: Document) -> list[str]:
    rows = document.payload["pairs"]
    return [row["mentor"] for row in rows] + [m["name"] for row in rows for m in row["mentees"]]


def regulation(world, *, approved: bool, via: Document | None = None, number: int = 1) -> Document:
    """A Regulation-like act built directly (its kind is written elsewhere): three sections, a list."""
    with scopes_disabled():
        document = Document.objects.create(
            school=world.a.school,
            kind=DocumentKind.REGULATION,
            school_year=2026,
            title="Положение о системе наставничества педагогических работников",
            payload={"letterhead": svc.letterhead(world.a.school)},
        )
        DocumentSection.objects.bulk_create(
            [
                DocumentSection(
                    document=document,
                    order=1,
                    key="general",
                    heading="1. Общие положения",
                    body="1.1. Положение определяет порядок наставничества.\n\n"
                    "1.2. Используемые понятия:\n– наставник;\n- наставляемый.",
                ),
                DocumentSection(
                    document=document,
                    order=2,
                    key="markup",
                    heading="2. Проверка",
                    body="<b>жирный</b> & «текст»",
                ),
            ]
        )
        if approved:
            document.status = DocumentStatus.APPROVED
            document.registration_series = "acts"
            document.registration_year = APPROVED_ON.year
            document.registration_sequence = number
            document.registration_number = f"{number}-ЛА"
            document.approved_on = APPROVED_ON
            document.approved_at = datetime(2026, 9, 10, 12, 30, tzinfo=ZoneInfo("Europe/Moscow"))
            document.approved_via = via
            document.content_hash = svc.content_hash(document)
            document.save()
        return document


# --- The content of the files --------------------------------------------------------------------


def test_the_pdf_of_an_order_on_pairs_names_every_pair_and_has_its_number(world, school_a):
    document = order_on_pairs(world, approve=True)
    with scopes_disabled():
        text = pdf_text(rendering.render_pdf_bytes(document))
        names = names_in(document)
    assert len(names) == 6
    for name in names:
        assert name in text
    assert "ПРИКАЗ" in text
    assert "от 10.09.2026" in text and "№ 1-о" in text
    assert "ПРИКАЗЫВАЮ:" in text
    assert "Директор" in text and "И. В. Соколова" in text
    assert "С приказом ознакомлены:" in text
    assert "Приложение к приказу от 10.09.2026 № 1-о" in text
    assert school_a.full_name in text
    assert "ПРОЕКТ" not in text


def test_the_pdf_embeds_the_cyrillic_font(world, school_a):
    document = order_on_pairs(world, approve=False, count=1)
    with scopes_disabled():
        blob = rendering.render_pdf_bytes(document)
    fonts = subprocess.run(["pdffonts", "-"], input=blob, capture_output=True).stdout.decode()
    if not fonts:  # older poppler reads no stdin: give it a file
        fonts = _pdffonts_of_file(blob)
    rows = [line.split() for line in fonts.splitlines() if "PT-Serif" in line]
    assert rows, fonts
    assert all("yes" in row[-5:-2] for row in rows), fonts  # the «emb» column


def _pdffonts_of_file(blob: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(blob)
        handle.flush()
        return subprocess.run(["pdffonts", handle.name], capture_output=True).stdout.decode()


def test_a_draft_is_marked_as_a_project_without_number_or_date(world, school_a):
    document = order_on_pairs(world, approve=False, count=1)
    with scopes_disabled():
        pdf = pdf_text(rendering.render_pdf_bytes(document))
        docx = docx_text(rendering.render_docx_bytes(document))
    for text in (pdf, docx):
        assert "ПРОЕКТ" in text
        assert "№ ________" in text
        assert "1-о" not in text


def test_a_regulation_has_the_directors_approval_stamp(world, school_a):
    document = regulation(world, approved=True)
    with scopes_disabled():
        text = pdf_text(rendering.render_pdf_bytes(document))
        docx = docx_text(rendering.render_docx_bytes(document))
    for found in (text, docx):
        assert "УТВЕРЖДАЮ" in found
        assert f"Директор {school_a.short_name}" in found
        assert "И. В. Соколова" in found
        assert "«10» сентября 2026 г." in found
        assert "1. Общие положения" in found
        assert "– наставник;" in found and "– наставляемый." in found
        assert "ПРОЕКТ" not in found


def test_a_regulation_approved_by_an_order_names_the_order(world, school_a):
    order = order_on_pairs(world, approve=True, count=1)
    document = regulation(world, approved=True, via=order)
    with scopes_disabled():
        text = pdf_text(rendering.render_pdf_bytes(document))
    assert "УТВЕРЖДЕНО" in text and "УТВЕРЖДАЮ" not in text
    assert (
        f"приказом {school_a.short_name} от 10.09.2026 № 1-о" in text
    )  # two lines, one space once collapsed


def test_a_draft_regulation_has_a_blank_stamp_and_the_project_mark(world, school_a):
    document = regulation(world, approved=False)
    with scopes_disabled():
        text = pdf_text(rendering.render_pdf_bytes(document))
    assert "ПРОЕКТ" in text and "УТВЕРЖДАЮ" in text
    assert "«____» ______________ 20___ г." in text


def test_text_typed_by_users_is_printed_never_read_as_markup(world, school_a):
    document = regulation(world, approved=False)
    with scopes_disabled():
        text = pdf_text(rendering.render_pdf_bytes(document))
        docx = docx_text(rendering.render_docx_bytes(document))
    assert "<b>жирный</b> & «текст»" in text
    assert "<b>жирный</b> & «текст»" in docx


def test_the_docx_names_every_pair_and_the_number(world, school_a):
    document = order_on_pairs(world, approve=True)
    with scopes_disabled():
        blob = rendering.render_docx_bytes(document)
        names = names_in(document)
    text = docx_text(blob)
    for name in names:
        assert name in text
    assert "№ 1-о" in text and "от 10.09.2026" in text
    assert "С приказом ознакомлены:" in text
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        xml = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
        footer = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
    assert 'w:cs="Times New Roman"' in styles and 'w:eastAsia="Times New Roman"' in styles
    assert "<w:tblHeader/>" in xml and "<w:cantSplit/>" in xml  # the header repeats, rows do not split
    assert "w:pageBreakBefore" in xml  # the appendix starts a page
    assert " PAGE " in footer
    assert 'w:w="11906"' in xml and 'w:left="1701"' in xml  # A4, 30 mm on the left


def test_parse_body_splits_paragraphs_and_dashed_lists():
    blocks = rendering.parse_body("1. Первый.\nпродолжение\n\n2. Список:\n– раз\n- два\n\n\n3. Последний.")
    assert [(b.kind, b.lines) for b in blocks] == [
        ("p", ("1. Первый.", "продолжение")),
        ("p", ("2. Список:",)),
        ("list", ("раз", "два")),
        ("p", ("3. Последний.",)),
    ]
    assert rendering.initials_first("Соколова Ирина Викторовна") == "И.\u00a0В.\u00a0Соколова"


# --- Determinism -------------------------------------------------------------------------------------


def test_an_approved_document_renders_to_the_same_bytes_twice(world, school_a):
    document = order_on_pairs(world, approve=True, count=1)
    with scopes_disabled():
        first_pdf, second_pdf = (rendering.render_pdf_bytes(document) for _ in range(2))
        first_docx, second_docx = (rendering.render_docx_bytes(document) for _ in range(2))
    assert hashlib.sha256(first_pdf).digest() == hashlib.sha256(second_pdf).digest()
    assert first_docx == second_docx
    approved = document.approved_at.astimezone(ZoneInfo("UTC"))
    meta = subprocess.run(["pdfinfo", "-isodates", "-"], input=first_pdf, capture_output=True).stdout.decode()
    local = document.approved_at.astimezone(ZoneInfo("Europe/Moscow"))
    assert re.search(rf"CreationDate:\s+{local:%Y-%m-%dT%H:%M:%S}", meta), meta
    zip_time = (*approved.timetuple()[:5], approved.second // 2 * 2)  # zip keeps even seconds
    with zipfile.ZipFile(io.BytesIO(first_docx)) as package:
        assert {entry.date_time for entry in package.infolist()} == {zip_time}
        core = package.read("docProps/core.xml").decode()
    assert approved.strftime("%Y-%m-%dT%H:%M:%SZ") in core


def test_the_zip_timestamps_of_a_docx_do_not_depend_on_the_clock(world, school_a):
    document = regulation(world, approved=True)
    with scopes_disabled():
        data = rendering.printable(document)
    assert build_docx(data) == build_docx(data)
    with zipfile.ZipFile(io.BytesIO(build_docx(data))) as package:
        assert all(info.date_time == (2026, 9, 10, 9, 30, 0) for info in package.infolist())


# --- Renderings: the job, reuse, failures --------------------------------------------------------------


def test_a_rendering_runs_as_a_job_after_commit_and_stores_the_file(
    world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=True)
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            row = document_files.request_rendering(document, "pdf", world.a.users["curator"])
            assert row.status == RenderStatus.QUEUED
        assert len(callbacks) == 1
        row.refresh_from_db()
        assert (row.status, row.progress, row.error) == (RenderStatus.DONE, 100, "")
        blob = document_files.read_file(row)
        assert row.sha256 == hashlib.sha256(blob).hexdigest()
        assert row.content_hash == document.content_hash
        assert row.file.name.startswith(f"documents/{document.school_id}/{document.pk}/pdf-")
        assert DocumentEvent.objects.filter(document=document, action="rendered").count() == 1
    for name in names_in(document):
        assert name in pdf_text(blob)


def test_a_finished_file_of_an_approved_document_is_reused_without_a_new_job(
    world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=True, count=1)
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True):
            first = document_files.request_rendering(document, "docx", None)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again = document_files.request_rendering(document, "docx", None)
        assert again.pk == first.pk and not callbacks
        assert DocumentRendering.objects.filter(document=document).count() == 1
        # The job delivered once more does nothing to a finished row.
        first.refresh_from_db()
        name = first.file.name
        assert render_document.delay(first.pk, scope_school_ids=[document.school_id]).get() == "done"
        first.refresh_from_db()
        assert first.file.name == name


def test_a_waiting_job_is_reused_and_a_draft_gets_a_new_file_each_time(
    world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=False, count=1)
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=False):
            queued = document_files.request_rendering(document, "pdf", None)
            assert document_files.request_rendering(document, "pdf", None).pk == queued.pk  # a double click
        DocumentRendering.objects.filter(pk=queued.pk).update(
            created_at=timezone.now() - timedelta(minutes=11)
        )
        with django_capture_on_commit_callbacks(execute=False):
            lost = document_files.request_rendering(document, "pdf", None)  # the old job is presumed lost
        assert lost.pk != queued.pk
        document_files.perform_rendering(queued.pk)
        document_files.perform_rendering(lost.pk)
        with django_capture_on_commit_callbacks(execute=True):
            later = document_files.request_rendering(document, "pdf", None)
        assert later.pk not in (queued.pk, lost.pk)  # a draft's finished file is not reused
        later.refresh_from_db()
        assert later.status == RenderStatus.DONE


def test_a_failed_rendering_records_the_error_in_russian(
    world, school_a, monkeypatch, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=False, count=1)

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(rendering, "render_bytes", broken)
    with scopes_disabled():
        with django_capture_on_commit_callbacks(execute=True):
            row = document_files.request_rendering(document, "pdf", None)
        row.refresh_from_db()
    assert row.status == RenderStatus.FAILED
    assert row.error.startswith("Не удалось сформировать файл")
    assert not row.file


def test_an_approved_document_whose_content_changed_is_not_rendered(world, school_a):
    document = order_on_pairs(world, approve=True, count=1)
    with scopes_disabled():
        DocumentSection.objects.filter(document=document, key="clauses").update(body="1. Подменённый текст.")
        row = DocumentRendering.objects.create(
            document=document, fmt="pdf", content_hash=document.content_hash
        )
        assert document_files.perform_rendering(row.pk) == RenderStatus.FAILED
        row.refresh_from_db()
    assert "контрольной суммой" in row.error


def test_the_public_pdf_is_made_once_and_then_read_from_storage(world, school_a):
    document = order_on_pairs(world, approve=True, count=1)
    with scopes_disabled():
        first = document_files.ensure_pdf(document)
        second = document_files.ensure_pdf(document)
        assert first == second
        assert DocumentRendering.objects.filter(document=document, status="done").count() == 1
        with pytest.raises(document_files.DocumentFileError):
            document_files.ensure_pdf(order_on_pairs(world, approve=False, count=1))


# --- Views ---------------------------------------------------------------------------------------------


def test_the_buttons_work_with_htmx_polling_and_the_file_downloads(
    client, world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=True, count=1)
    client.force_login(world.a.users["psychologist"])
    url = reverse("programs:document-render", kwargs={"pk": document.pk, "fmt": "pdf"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    with scopes_disabled():
        row = DocumentRendering.objects.get(document=document)
    assert row.status == RenderStatus.DONE
    status_url = reverse("programs:document-rendering", kwargs={"pk": row.pk})
    assert f'hx-get="{status_url}"' in response.content.decode()  # polls (the job ran after the response)
    polled = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    file_url = reverse("programs:document-file", kwargs={"pk": row.pk})
    assert file_url in polled and "hx-trigger" not in polled
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"].startswith("private")
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    assert "1-%D0%BE" in disposition  # «1-о», the number, in the file name
    blob = b"".join(download.streaming_content)
    assert hashlib.sha256(blob).hexdigest() == row.sha256


def test_without_javascript_the_button_leads_to_a_page_that_refreshes_until_ready(
    client, world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=False, count=1)
    client.force_login(world.a.users["curator"])
    url = reverse("programs:document-render", kwargs={"pk": document.pk, "fmt": "docx"})
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    with scopes_disabled():
        row = DocumentRendering.objects.get(document=document)
    status_url = reverse("programs:document-rendering", kwargs={"pk": row.pk})
    assert response.status_code == 302 and response["Location"] == status_url
    waiting = client.get(status_url)
    assert waiting.status_code == 200 and waiting["Refresh"] == "1"
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    with scopes_disabled():
        document_files.perform_rendering(row.pk)
    ready = client.get(status_url)
    assert "Refresh" not in ready
    assert reverse("programs:document-file", kwargs={"pk": row.pk}) in ready.content.decode()
    partial = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial
    download = client.get(reverse("programs:document-file", kwargs={"pk": row.pk}))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_school_gets_404_for_the_files_of_a_document(
    client, world, school_a, django_capture_on_commit_callbacks
):
    document = order_on_pairs(world, approve=True, count=1)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        row = document_files.request_rendering(document, "pdf", None)
    for place, role in (("b", "director"), ("c", "curator"), ("a", "mentor")):
        client.force_login(world.user(place, role))
        assert client.get(reverse("programs:document-file", kwargs={"pk": row.pk})).status_code == 404
        assert client.get(reverse("programs:document-rendering", kwargs={"pk": row.pk})).status_code == 404
        render_url = reverse("programs:document-render", kwargs={"pk": document.pk, "fmt": "pdf"})
        assert client.post(render_url).status_code == 404


def test_an_unfinished_rendering_has_no_file_and_an_unknown_format_is_404(client, world, school_a):
    document = order_on_pairs(world, approve=False, count=1)
    with scopes_disabled():
        row = DocumentRendering.objects.create(document=document, fmt="pdf")
    client.force_login(world.a.users["director"])
    assert client.get(reverse("programs:document-file", kwargs={"pk": row.pk})).status_code == 404
    url = reverse("programs:document-render", kwargs={"pk": document.pk, "fmt": "odt"})
    assert client.post(url).status_code == 404
