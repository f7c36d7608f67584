"""Consents: recording (a minor's from the guardian), scans (type and size), withdrawal, download, PDF forms."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import Consent, ConsentKind, MentoringForm, PairEvent, PairStatus
from programs.services import consents as consent_service
from tests import programs_factories as f
from tests.test_pairs_views import advance, html, make_pair, status_of

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def curator(client, world):
    client.force_login(world.a.users["curator"])
    return client


def _create_url(pair, participant, kind: str) -> str:
    return reverse(
        "programs:consent-create", kwargs={"pk": pair.pk, "participant_pk": participant.pk, "kind": kind}
    )


def _today() -> str:
    return timezone.localdate().isoformat()


def _kid_pair(world, **student):
    school = world.a.school
    kid = f.student(school, birth_date=student.pop("birth_date", date(2013, 3, 1)), **student)
    with scopes_disabled():
        form = MentoringForm.objects.get(code="teacher-student")
    return kid, make_pair(world, mentees=[kid], form=form)


# --- Recording -----------------------------------------------------------------------------------


def test_a_consent_is_recorded_with_its_scan_under_a_random_school_path(curator, world):
    pair = make_pair(world)
    url = _create_url(pair, pair.mentor, ConsentKind.MENTOR)
    assert "Бланк согласия для печати" in html(curator.get(url))
    scan = SimpleUploadedFile("Скан согласия.PDF", PDF, content_type="application/pdf")
    response = curator.post(url, {"received_on": _today(), "scan": scan})
    assert response.status_code == 302
    with scopes_disabled():
        consent = Consent.objects.get(participant=pair.mentor, kind=ConsentKind.MENTOR)
        assert consent.recorded_by == world.a.users["curator"]
        assert consent.scan.name.startswith(f"schools/{world.a.school.pk}/consents/")
        assert consent.scan.name.endswith(".pdf") and "Скан" not in consent.scan.name
        assert PairEvent.objects.filter(pair=pair, description__startswith="Получено согласие").exists()
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert "не хватает: 3" in page
    assert reverse("programs:consent-scan", kwargs={"pk": consent.pk}) in page


def test_a_minors_consent_without_the_guardian_is_rejected(curator, world):
    kid, pair = _kid_pair(world)
    url = _create_url(pair, kid, ConsentKind.MENTEE)
    assert "Обучающемуся нет 18 лет" in html(curator.get(url))
    response = curator.post(url, {"received_on": _today(), "guardian_name": ""})
    form = response.context["form"]
    assert form.errors["guardian_name"] == ["Обязательное поле."]
    response = curator.post(url, {"received_on": _today(), "guardian_name": "Смирнова Ольга Викторовна"})
    errors = response.context["form"].errors
    assert (
        "на дату получения не исполнилось 18 лет: согласие даёт законный представитель"
        in errors["given_by_guardian"][0]
    )
    with scopes_disabled():
        assert not Consent.objects.filter(participant=kid).exists()


def test_the_service_requires_the_guardians_name_for_a_minor(world):
    kid, _pair = _kid_pair(world)
    with scopes_disabled(), pytest.raises(consent_service.ConsentError) as error:
        consent_service.record_consent(
            participant=kid,
            kind=ConsentKind.MENTEE,
            received_on=timezone.localdate(),
            given_by_guardian=True,
            guardian_name="  ",
            acting_user=world.a.users["curator"],
        )
    assert error.value.message_dict["guardian_name"] == [
        "Укажите ФИО законного представителя несовершеннолетнего обучающегося."
    ]


def test_a_minors_consent_from_the_guardian_counts(curator, world):
    kid, pair = _kid_pair(world)
    for kind in (ConsentKind.MENTEE, ConsentKind.PERSONAL_DATA):
        response = curator.post(
            _create_url(pair, kid, kind),
            {
                "received_on": _today(),
                "given_by_guardian": "on",
                "guardian_name": "Смирнова Ольга Викторовна",
            },
        )
        assert response.status_code == 302
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert "от законного представителя: Смирнова Ольга Викторовна" in page
    assert "не хватает: 2" in page  # only the mentor's two remain


def test_an_adult_student_signs_for_themself(curator, world):
    adult, pair = _kid_pair(world, birth_date=date(2000, 1, 1), last_name="Взрослов")
    response = curator.post(_create_url(pair, adult, ConsentKind.MENTEE), {"received_on": _today()})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"Just some text, not a PDF at all.", "не является файлом PDF"),
        ("scan.png", PDF, "не является файлом PNG"),
        ("photo.jpg", PNG, "не является файлом JPG"),
        ("scan.docx", b"PK\x03\x04 word", "Можно загрузить только файл PDF, JPEG или PNG"),
        ("scan", PDF, "Можно загрузить только файл PDF, JPEG или PNG"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "Файл слишком большой (11,0 МБ)"),
    ],
)
def test_a_scan_is_checked_by_its_content_and_size(curator, world, name, content, message):
    pair = make_pair(world)
    response = curator.post(
        _create_url(pair, pair.mentor, ConsentKind.MENTOR),
        {"received_on": _today(), "scan": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["scan"]
    assert any(message in e for e in errors), errors
    with scopes_disabled():
        assert not Consent.objects.filter(participant=pair.mentor).exists()


@pytest.mark.parametrize(
    ("name", "content", "extension"), [("a.png", PNG, "png"), ("b.JPEG", JPEG, "jpg"), ("c.pdf", PDF, "pdf")]
)
def test_real_pdf_jpeg_and_png_scans_pass(name, content, extension):
    upload = SimpleUploadedFile(name, content)
    assert consent_service.validate_scan(upload).extension == extension
    assert upload.read(4) == content[:4]  # the file is rewound for saving


def test_a_scan_of_exactly_10_mb_passes():
    upload = SimpleUploadedFile("max.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 - 4))
    assert consent_service.validate_scan(upload).extension == "pdf"


def test_a_second_valid_consent_of_the_same_kind_is_refused(curator, world):
    pair = make_pair(world)
    f.consent(pair.mentor, ConsentKind.MENTOR, on=timezone.localdate())
    response = curator.post(_create_url(pair, pair.mentor, ConsentKind.MENTOR), {"received_on": _today()})
    assert "уже получено. Чтобы заменить его, сначала отметьте отзыв." in " ".join(
        response.context["form"].non_field_errors()
    )


def test_a_consent_cannot_be_received_in_the_future(curator, world):
    pair = make_pair(world)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = curator.post(_create_url(pair, pair.mentor, ConsentKind.MENTOR), {"received_on": tomorrow})
    assert response.context["form"].errors["received_on"] == ["Дата получения не может быть в будущем."]


def test_only_the_consents_the_pair_needs_can_be_recorded_on_it(curator, world):
    pair = make_pair(world)
    stranger = f.teacher(world.a.school)
    assert curator.get(_create_url(pair, stranger, ConsentKind.MENTEE)).status_code == 404
    assert curator.get(_create_url(pair, pair.mentor, ConsentKind.MENTEE)).status_code == 404
    assert curator.get(_create_url(pair, pair.mentor, "nonsense")).status_code == 404


# --- Withdrawal ----------------------------------------------------------------------------------


def test_withdrawing_sends_a_consents_collected_pair_back_to_draft(curator, world):
    pair = advance(world, make_pair(world), PairStatus.CONSENTS)
    with scopes_disabled():
        consent = Consent.objects.get(participant=pair.mentor, kind=ConsentKind.PERSONAL_DATA)
    detail = reverse("programs:pair-detail", kwargs={"pk": pair.pk})
    response = curator.post(
        reverse("programs:consent-withdraw", kwargs={"pk": consent.pk}),
        {"withdrawn_on": _today(), "next": detail},
    )
    assert response["Location"] == detail
    assert status_of(pair) == PairStatus.DRAFT
    page = html(curator.get(detail))
    assert "Согласие отозвано" in page and "не хватает: 1" in page
    assert "согласия собраны → черновик" in page
    with scopes_disabled():
        consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()


def test_withdrawing_from_a_working_pair_warns_the_curator_in_the_history(curator, world):
    pair = advance(world, make_pair(world), PairStatus.ACTIVE)
    with scopes_disabled():
        consent = Consent.objects.get(participant=pair.mentor, kind=ConsentKind.MENTOR)
    curator.post(reverse("programs:consent-withdraw", kwargs={"pk": consent.pk}), {"withdrawn_on": _today()})
    assert status_of(pair) == PairStatus.ACTIVE
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    assert "Получите согласие заново или прекратите работу пары досрочно." in page
    assert "не хватает: 1" in page


def test_a_withdrawal_date_before_receipt_or_twice_is_refused(curator, world):
    pair = make_pair(world)
    consent = f.consent(pair.mentor, ConsentKind.MENTOR, on=timezone.localdate())
    url = reverse("programs:consent-withdraw", kwargs={"pk": consent.pk})
    early = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert "Дата отзыва не может быть раньше даты получения согласия." in html(
        curator.post(url, {"withdrawn_on": early}, follow=True)
    )
    curator.post(url, {"withdrawn_on": _today()})
    assert "Это согласие уже отозвано" in html(curator.post(url, {"withdrawn_on": _today()}, follow=True))
    assert "Укажите дату отзыва согласия." in html(curator.post(url, {}, follow=True))


def test_an_unsafe_next_is_ignored(curator, world):
    pair = make_pair(world)
    consent = f.consent(pair.mentor, ConsentKind.MENTOR, on=timezone.localdate())
    response = curator.post(
        reverse("programs:consent-withdraw", kwargs={"pk": consent.pk}),
        {"withdrawn_on": _today(), "next": "https://evil.example.org/"},
    )
    assert response["Location"] == reverse("programs:pair-list")


# --- Scans are downloaded only through the scoped view -------------------------------------------


def _consent_with_scan(curator, world, place: str = "a"):
    pair = make_pair(world, place=place)
    curator.force_login(getattr(world, place).users["curator"])
    curator.post(
        _create_url(pair, pair.mentor, ConsentKind.MENTOR),
        {"received_on": _today(), "scan": SimpleUploadedFile("scan.pdf", PDF)},
    )
    with scopes_disabled():
        return Consent.objects.get(participant=pair.mentor, kind=ConsentKind.MENTOR)


def test_the_scan_is_streamed_as_an_attachment(curator, world):
    consent = _consent_with_scan(curator, world)
    response = curator.get(reverse("programs:consent-scan", kwargs={"pk": consent.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_another_schools_scan_is_a_404(client, world):
    consent = _consent_with_scan(client, world, place="a")
    for place, role in (
        ("b", "curator"),
        ("b", "director"),
        ("c", "curator"),
        ("a", "psychologist"),
        ("a", "mentor"),
    ):
        client.force_login(world.user(place, role))
        assert client.get(reverse("programs:consent-scan", kwargs={"pk": consent.pk})).status_code == 404, (
            place,
            role,
        )


def test_a_consent_without_a_scan_has_nothing_to_download(curator, world):
    pair = make_pair(world)
    consent = f.consent(pair.mentor, ConsentKind.MENTOR)
    assert curator.get(reverse("programs:consent-scan", kwargs={"pk": consent.pk})).status_code == 404


# --- Printable forms -----------------------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(result.stdout.split())


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@needs_poppler
@pytest.mark.parametrize("kind", [ConsentKind.PERSONAL_DATA, ConsentKind.MENTOR])
def test_the_consent_form_names_the_person_and_the_school(curator, world, tmp_path, kind):
    mentor = f.mentor(world.a.school, last_name="Печатникова")
    response = curator.get(
        reverse("programs:consent-form-pdf", kwargs={"participant_pk": mentor.pk, "kind": kind})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="consent-{kind}-{mentor.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert mentor.full_name in text
    assert world.a.school.full_name in text
    assert "СОГЛАСИЕ" in text and "Стр. 1 из" in text
    if kind == ConsentKind.PERSONAL_DATA:
        assert "152-ФЗ" in text and "отозвано" in text


@needs_poppler
def test_a_minors_form_is_signed_by_the_guardian(curator, world, tmp_path):
    kid = f.student(
        world.a.school,
        birth_date=date(2013, 3, 1),
        last_name="Маленький",
        guardian_name="Большова Ирина Петровна",
    )
    response = curator.get(
        reverse(
            "programs:consent-form-pdf", kwargs={"participant_pk": kid.pk, "kind": ConsentKind.PERSONAL_DATA}
        )
    )
    text = _pdf_text(response.content, tmp_path)
    assert "Большова Ирина Петровна" in text
    assert kid.full_name in text
    assert "являясь законным представителем" in text and "01.03.2013 года рождения" in text


@needs_poppler
def test_the_form_embeds_pt_serif(curator, world, tmp_path):
    mentor = f.mentor(world.a.school)
    response = curator.get(
        reverse("programs:consent-form-pdf", kwargs={"participant_pk": mentor.pk, "kind": "mentor"})
    )
    path = tmp_path / "fonts.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "PT-Serif" in fonts
    assert all("PT-Serif" in line for line in fonts.splitlines()[2:] if line.strip())


def test_a_form_of_an_unknown_kind_or_another_school_is_a_404(client, world):
    mentor = f.mentor(world.a.school)
    client.force_login(world.a.users["curator"])
    assert (
        client.get(
            reverse("programs:consent-form-pdf", kwargs={"participant_pk": mentor.pk, "kind": "other"})
        ).status_code
        == 404
    )
    client.force_login(world.b.users["curator"])
    assert (
        client.get(
            reverse("programs:consent-form-pdf", kwargs={"participant_pk": mentor.pk, "kind": "mentor"})
        ).status_code
        == 404
    )


def test_pdf_helper_renders_any_template_with_page_numbers():
    from programs import pdf

    assert pdf.page_number_content() == '"Стр. " counter(page) " из " counter(pages)'
    content = pdf.render_pdf("pdf/base.html", {})
    assert content.startswith(b"%PDF")
    assert len(content) > 500


def test_a_scan_can_be_attached_later_once_and_not_to_a_withdrawn_consent(curator, world):
    pair = make_pair(world)
    curator.post(_create_url(pair, pair.mentor, ConsentKind.MENTOR), {"received_on": _today()})
    with scopes_disabled():
        consent = Consent.objects.get(participant=pair.mentor, kind=ConsentKind.MENTOR)
    assert not consent.scan
    page = html(curator.get(reverse("programs:pair-detail", kwargs={"pk": pair.pk})))
    attach = reverse("programs:consent-attach-scan", kwargs={"pk": consent.pk})
    assert attach in page
    bad = curator.post(attach, {"scan": SimpleUploadedFile("scan.pdf", b"not a pdf")}, follow=True)
    assert "не является файлом PDF" in html(bad)
    curator.post(attach, {"scan": SimpleUploadedFile("Скан.pdf", PDF)})
    with scopes_disabled():
        consent.refresh_from_db()
        assert consent.scan.name.endswith(".pdf")
        assert PairEvent.objects.filter(pair=pair, description__startswith="Приложен скан согласия").exists()
    again = curator.post(attach, {"scan": SimpleUploadedFile("scan.pdf", PDF)}, follow=True)
    assert "уже приложен скан" in html(again)
    with scopes_disabled():
        other = Consent.objects.create(
            school=world.a.school,
            participant=pair.mentor,
            kind=ConsentKind.PERSONAL_DATA,
            received_on=date(2026, 9, 1),
            withdrawn_on=date(2026, 9, 2),
        )
    refused = curator.post(
        reverse("programs:consent-attach-scan", kwargs={"pk": other.pk}),
        {"scan": SimpleUploadedFile("scan.pdf", PDF)},
        follow=True,
    )
    assert "Согласие отозвано" in html(refused)
