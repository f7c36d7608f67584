"""Permission cases of the journal screens: the pair's journal, writing, one's own entry, a file.

They reuse the school-A pair of the pair cases (its mentor is the school-A mentor user, its mentee
the marker person). The entry is the mentor user's own, so the mentor may change it; builders are
idempotent.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import JournalAttachment, JournalEntry
from tests.conftest import World
from tests.permission_cases.base import Case
from tests.permission_cases.pairs import _pair

FILE_NAME = "test-permission-cases/journal-note.txt"


def _entry(w: World) -> JournalEntry:
    pair = _pair(w)
    with scopes_disabled():
        entry = JournalEntry.objects.filter(pair=pair, author=w.a.users["mentor"]).first()
        if entry is None:
            entry = JournalEntry.objects.create(
                school=w.a.school,
                pair=pair,
                author=w.a.users["mentor"],
                date=timezone.localdate(),
                topic="Знакомство",
                content="Обсудили цели.",
            )
        return entry


def _attachment(w: World) -> JournalAttachment:
    entry = _entry(w)
    with scopes_disabled():
        attachment = JournalAttachment.objects.filter(entry=entry).first()
        if attachment is None:
            path = Path(settings.MEDIA_ROOT) / FILE_NAME
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes("План встреч\n".encode())
            attachment = JournalAttachment.objects.create(
                entry=entry,
                file=FILE_NAME,
                original_name="План встреч.txt",
                size=path.stat().st_size,
                content_type="text/plain; charset=utf-8",
            )
        return attachment


def _pair_kwargs(w: World) -> dict:
    return {"pk": _pair(w).pk}


def _entry_kwargs(w: World) -> dict:
    return {"pk": _entry(w).pk}


CASES: dict[str, Case] = {
    "programs:journal": Case(owner_role="mentee", kwargs=_pair_kwargs, addresses_object=True),
    "programs:journal-create": Case(owner_role="mentor", kwargs=_pair_kwargs, addresses_object=True),
    "programs:journal-edit": Case(owner_role="mentor", kwargs=_entry_kwargs, addresses_object=True),
    "programs:journal-delete": Case(owner_role="mentor", kwargs=_entry_kwargs, addresses_object=True),
    "programs:journal-attachment": Case(
        owner_role="psychologist", kwargs=lambda w: {"pk": _attachment(w).pk}, addresses_object=True
    ),
}
