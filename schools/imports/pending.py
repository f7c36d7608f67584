"""Uploaded files waiting between the preview and the confirmation.

The preview shows what a file would change; the confirmation must import exactly that file, not a
second upload. So the file stays on the server under ``MEDIA_ROOT/imports/<school id>/`` and the
page carries only a random token. A token is looked up in the current school's folder alone, so a
token of another school is simply not found (404). Files are removed after the import and, if a
preview is abandoned, at the school's next upload once they are a day old. The media folder is not
served in production (docs/deployment.md).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from schools.imports.files import EXTENSIONS
from schools.models import School

ROOT = "imports"
MAX_AGE = timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}")


class PendingUploadMissing(LookupError):
    """No such upload in this school (never was, already imported, or another school's)."""


def _folder(school: School) -> str:
    return f"{ROOT}/{school.pk}"


def _name(school: School, kind: str, token: str, extension: str) -> str:
    return f"{_folder(school)}/{kind}-{token}{extension}"


def store(*, school: School, kind: str, extension: str, content: bytes) -> str:
    """Keep an upload for the confirmation step; returns its token."""
    if extension not in EXTENSIONS:
        raise ValueError(f"unexpected extension {extension!r}")
    purge_stale(school=school)
    token = uuid.uuid4().hex
    default_storage.save(_name(school, kind, token, extension), ContentFile(content))
    return token


def _find(school: School, kind: str, token: str) -> tuple[str, str]:
    if not _TOKEN.fullmatch(token or ""):
        raise PendingUploadMissing(token)
    for extension in EXTENSIONS:
        name = _name(school, kind, token, extension)
        if default_storage.exists(name):
            return name, extension
    raise PendingUploadMissing(token)


def load(*, school: School, kind: str, token: str) -> tuple[str, bytes]:
    """The file name (for its extension) and content of a pending upload of this school."""
    name, _extension = _find(school, kind, token)
    with default_storage.open(name, "rb") as stored:
        return name, stored.read()


def discard(*, school: School, kind: str, token: str) -> None:
    try:
        name, _extension = _find(school, kind, token)
    except PendingUploadMissing:
        return
    default_storage.delete(name)


def purge_stale(*, school: School) -> None:
    folder = _folder(school)
    if not default_storage.exists(folder):
        return
    limit = timezone.now() - MAX_AGE
    _dirs, files = default_storage.listdir(folder)
    for filename in files:
        name = f"{folder}/{filename}"
        if default_storage.get_modified_time(name) < limit:
            default_storage.delete(name)
