"""check_upload: every accepted kind passes when genuine and is refused when only its name says so."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from schools import uploads
from schools.uploads import UploadError, check_upload

MB = 1024 * 1024


def zip_with(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
GOOD = {
    "a.pdf": (uploads.PDF, b"%PDF-1.7\n%%EOF\n"),
    "a.jpg": (uploads.JPEG, b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    "a.JPEG": (uploads.JPEG, b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    "a.png": (uploads.PNG, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    "a.docx": (uploads.DOCX, zip_with("[Content_Types].xml", "word/document.xml")),
    "a.xlsx": (uploads.XLSX, zip_with("[Content_Types].xml", "xl/workbook.xml")),
    "a.pptx": (uploads.PPTX, zip_with("[Content_Types].xml", "ppt/presentation.xml")),
    "a.odt": (uploads.ODT, zip_with("mimetype", "content.xml")),
    "a.ods": (uploads.ODS, zip_with("mimetype", "content.xml")),
    "a.odp": (uploads.ODP, zip_with("mimetype", "content.xml")),
    "a.doc": (uploads.DOC, OLE),
    "a.xls": (uploads.XLS, OLE),
    "a.ppt": (uploads.PPT, OLE),
    "a.zip": (uploads.ZIP, zip_with("anything.txt")),
    "a.txt": (uploads.TXT, "Привет, мир\n".encode()),
}


def refusal(file_name: str, content: bytes, **kwargs) -> str:
    kwargs.setdefault("kinds", uploads.KINDS)
    kwargs.setdefault("max_bytes", 10 * MB)
    with pytest.raises(UploadError) as caught:
        check_upload(SimpleUploadedFile(file_name, content), **kwargs)
    assert isinstance(caught.value, ValidationError)  # forms and services treat it as one
    (message,) = caught.value.messages
    return message


def test_the_registry_covers_every_kind_tested_here():
    assert {kind for kind, _ in GOOD.values()} == set(uploads.KINDS)


@pytest.mark.parametrize("name", GOOD)
def test_a_genuine_file_of_each_kind_passes_and_is_rewound(name):
    kind, content = GOOD[name]
    upload = SimpleUploadedFile(name, content)
    assert check_upload(upload, kinds=uploads.KINDS, max_bytes=10 * MB) is kind
    assert upload.read(8) == content[:8]


@pytest.mark.parametrize("name", [n for n in GOOD if not n.endswith(".txt")])
def test_a_renamed_text_file_is_refused(name):
    kind, _ = GOOD[name]
    assert refusal(name, b"just some text, renamed") == (
        f"Файл «{name}» не является файлом {kind.label}: его содержимое не совпадает с расширением."
    )


def test_a_file_over_the_limit_is_refused_with_its_size():
    message = refusal("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * MB - 9))
    assert message == "Файл «big.pdf» слишком большой (11,0 МБ). Максимальный размер — 10 МБ."


def test_a_file_of_exactly_the_limit_passes():
    upload = SimpleUploadedFile("max.pdf", b"%PDF" + b"0" * (10 * MB - 4))
    assert check_upload(upload, kinds=[uploads.PDF], max_bytes=10 * MB) is uploads.PDF


def test_an_empty_file_is_refused():
    assert refusal("empty.pdf", b"") == "Файл «empty.pdf» пуст."


def test_an_extension_outside_the_kinds_names_them_all():
    message = refusal("scan.docx", GOOD["a.docx"][1], kinds=[uploads.PDF, uploads.JPEG, uploads.PNG])
    assert message == "Можно загрузить только файл PDF, JPEG или PNG (выбран «scan.docx»)."
    assert "(выбран «noextension»)" in refusal("noextension", b"%PDF-1.4", kinds=[uploads.PDF])


def test_a_file_of_another_kind_under_a_wrong_extension_is_refused():
    assert "не является файлом PNG" in refusal("photo.png", GOOD["a.jpg"][1])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.docx", zip_with("[Content_Types].xml", "xl/workbook.xml")),  # a spreadsheet renamed
        ("a.xlsx", zip_with("anything.txt")),  # a plain zip renamed
        ("a.pptx", b"PK\x03\x04" + b"\x00" * 64),  # the signature only, not a zip at all
    ],
)
def test_an_office_zip_without_its_folder_is_refused(name, content):
    assert "не совпадает с расширением" in refusal(name, content)


def test_magic_only_keeps_the_prefix_check_but_drops_the_folder_one():
    relaxed = uploads.DOCX.magic_only()
    assert check_upload(
        SimpleUploadedFile("a.docx", b"PK\x03\x04" + b"\x00" * 64), kinds=[relaxed], max_bytes=MB
    )
    assert "DOCX" in refusal("a.docx", b"%PDF-1.4", kinds=[relaxed])


@pytest.mark.parametrize("content", ["Привет".encode("cp1251"), b"abc\x00def", b"\xe2\x82"])
def test_text_that_is_not_utf8_is_refused_with_the_encoding_hint(content):
    assert refusal("notes.txt", content) == (
        "Файл «notes.txt» не является файлом TXT: его содержимое не совпадает с расширением. "
        "Текстовый файл должен быть в кодировке UTF-8."
    )


def test_messages_can_be_reworded_and_the_shown_name_replaced():
    messages = uploads.UploadMessages(empty="Пусто: %(name)s", content="%(extension)s, а не %(type)s")
    assert refusal("x.pdf", b"", messages=messages, name="Отчёт.pdf") == "Пусто: Отчёт.pdf"
    assert refusal("b.jpeg", b"%PDF", messages=messages) == "JPG, а не JPEG"
