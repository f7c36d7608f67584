"""Uploaded files: which kinds the project accepts and how an upload is proven to be one of them.

Uploads hold personal data and are served back to other users, so a file is accepted only when its
size, its extension and its content all agree: the name alone proves nothing (a program renamed to
.pdf), the first bytes alone would let a PDF be stored as .png. Every service that takes files
(consent scans, journal attachments, program evidence, route products) picks its kinds from the
registry below and calls ``check_upload``; the messages name the file, so that among several the
user knows which one to replace.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MB = 1024 * 1024
# The longest magic prefix of the registry (PNG's and OLE's): the bytes read to compare them.
_HEAD_BYTES = 16
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt of older Office versions


class UploadError(ValidationError):
    """An upload is refused; the one message is for the user, in Russian, and names the file."""


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file: its extensions and how its content is recognised."""

    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first one names the stored file
    magic: bytes = b""  # the first bytes every such file starts with (b"": no fixed prefix)
    # A deeper look where the prefix is shared (every Office file is a zip) or absent (text).
    extra_check: Callable[[UploadedFile], bool] | None = None
    hint: str | Promise = ""  # added to the «does not match» message: what a genuine file needs

    @property
    def extension(self) -> str:
        return self.extensions[0]

    def magic_only(self) -> FileKind:
        """The same kind recognised by its first bytes alone, for services that never looked deeper."""
        return replace(self, extra_check=None)

    def matches(self, upload: UploadedFile) -> bool:
        """The content starts with the magic prefix and passes the extra check; the file is rewound."""
        upload.seek(0)
        head = upload.read(_HEAD_BYTES)
        upload.seek(0)
        if not head.startswith(self.magic):
            return False
        if self.extra_check is None:
            return True
        try:
            return self.extra_check(upload)
        finally:
            upload.seek(0)


def zip_with_folder(folder: str) -> Callable[[UploadedFile], bool]:
    """An Office Open XML check: a zip with [Content_Types].xml and the format's folder (names only).

    A renamed .zip starts with the same bytes as a .docx; only its inner structure tells them apart.
    """

    def check(upload: UploadedFile) -> bool:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def is_utf8_text(upload: UploadedFile) -> bool:
    """The whole file decodes as UTF-8 and holds no NUL byte (which no text file has).

    Text has no magic prefix; decoding it all is the only proof it is text and not a binary.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# --- The registry --------------------------------------------------------------------------------

PDF = FileKind("PDF", "application/pdf", ("pdf",), b"%PDF")
JPEG = FileKind("JPEG", "image/jpeg", ("jpg", "jpeg"), b"\xff\xd8\xff")
PNG = FileKind("PNG", "image/png", ("png",), b"\x89PNG\r\n\x1a\n")
DOCX = FileKind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    _ZIP,
    zip_with_folder("word/"),
)
XLSX = FileKind(
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
    _ZIP,
    zip_with_folder("xl/"),
)
PPTX = FileKind(
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    _ZIP,
    zip_with_folder("ppt/"),
)
ODT = FileKind("ODT", "application/vnd.oasis.opendocument.text", ("odt",), _ZIP)
ODS = FileKind("ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",), _ZIP)
ODP = FileKind("ODP", "application/vnd.oasis.opendocument.presentation", ("odp",), _ZIP)
DOC = FileKind("DOC", "application/msword", ("doc",), _OLE)
XLS = FileKind("XLS", "application/vnd.ms-excel", ("xls",), _OLE)
PPT = FileKind("PPT", "application/vnd.ms-powerpoint", ("ppt",), _OLE)
ZIP = FileKind("ZIP", "application/zip", ("zip",), _ZIP)
TXT = FileKind(
    "TXT",
    "text/plain; charset=utf-8",
    ("txt",),
    extra_check=is_utf8_text,
    hint=gettext_lazy("Текстовый файл должен быть в кодировке UTF-8."),
)
KINDS = (PDF, JPEG, PNG, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, ZIP, TXT)


def extension_of(name: str | None) -> str:
    """The lower-case extension of a file name, "" when it has none."""
    name = name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def accept(kinds: Iterable[FileKind]) -> str:
    """The ``accept`` attribute of a file input for these kinds (the browser's first filter)."""
    return ",".join(f".{ext}" for kind in kinds for ext in kind.extensions)


def content_types(kinds: Iterable[FileKind]) -> dict[str, str]:
    """Extension → content type, for serving stored files back with the right type."""
    return {ext: kind.content_type for kind in kinds for ext in kind.extensions}


# --- The check -----------------------------------------------------------------------------------


_EMPTY = gettext_lazy("Файл «%(name)s» пуст.")
_TOO_BIG = gettext_lazy("Файл «%(name)s» слишком большой (%(size)s МБ). Максимальный размер — %(max)s МБ.")
_EXTENSION = gettext_lazy("Можно загрузить только файл %(types)s (выбран «%(name)s»).")
_CONTENT = gettext_lazy(
    "Файл «%(name)s» не является файлом %(type)s: его содержимое не совпадает с расширением."
)


@dataclass(frozen=True)
class UploadMessages:
    """The wording of the refusals; a service overrides one where its screen says it differently.

    Every template may use %(name)s, %(size)s, %(max)s (МБ), %(types)s («PDF, JPEG или PNG»),
    %(extensions)s («jpeg, jpg, pdf»); the «does not match» one also %(type)s (the kind's label)
    and %(extension)s (its main extension, upper case).
    """

    empty: str | Promise = _EMPTY
    too_big: str | Promise = _TOO_BIG
    extension: str | Promise = _EXTENSION
    content: str | Promise = _CONTENT


DEFAULT_MESSAGES = UploadMessages()


def _one_of(labels: list[str]) -> str:
    if len(labels) < 2:
        return "".join(labels)
    return _("%(list)s или %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def check_upload(
    upload: UploadedFile,
    *,
    kinds: Iterable[FileKind],
    max_bytes: int,
    name: str | None = None,
    messages: UploadMessages = DEFAULT_MESSAGES,
) -> FileKind:
    """The kind of an upload, after checking its size, its extension and its content, in that order.

    ``name`` is the file name shown in the messages (the upload's own name by default). The file is
    left rewound for saving.
    """
    kinds = tuple(kinds)
    name = (upload.name or "") if name is None else name
    params: dict[str, str] = {
        "name": name,
        "size": _megabytes(upload.size or 0),
        "max": f"{max_bytes // MB}",
        "types": _one_of([kind.label for kind in kinds]),
        "extensions": ", ".join(sorted(ext for kind in kinds for ext in kind.extensions)),
    }
    if upload.size is not None and upload.size > max_bytes:
        raise UploadError(str(messages.too_big % params))
    if not upload.size:
        raise UploadError(str(messages.empty % params))
    extension = extension_of(name)
    kind = next((k for k in kinds if extension in k.extensions), None)
    if kind is None:
        raise UploadError(str(messages.extension % params))
    if not kind.matches(upload):
        message = messages.content % {**params, "type": kind.label, "extension": kind.extension.upper()}
        raise UploadError(f"{message} {kind.hint}" if kind.hint else str(message))
    return kind
