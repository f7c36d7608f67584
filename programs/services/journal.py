"""The pair's journal: meetings and other work of a pair, with attached files.

Who writes is decided by the views (the pair's mentor and mentees, the school's curator); this
module keeps the rules of the records themselves:

- the date of a meeting is never in the future (the journal records what happened);
- a linked plan activity belongs to the pair's own program, and «отметить выполненным» goes
  through the programs service (``set_activity_status``), which owns the activity's status;
- an entry is changed or deleted only by its author and only within ``EDIT_WINDOW`` (7 days) of
  being recorded. The journal is evidence for the school's monitoring (meetings held, plan
  fulfilled); a short window lets the author fix a typo or a forgotten file, while the record
  the curator and the monitoring reports have relied on stays what it was;
- attachments hold personal data and are accepted only as PDF, DOCX/XLSX/PPTX, JPEG, PNG or UTF-8
  text, checked by their extension and by their first bytes (not by what the browser claims), at
  most ``MAX_FILE_BYTES`` each and ``MAX_FILES`` per entry, stored under a random school-prefixed
  name and served only through a scoped view.

Every write is all-or-nothing: the entry, the activity mark and the files are saved together, and
files already written to the storage are removed again when anything fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    ActivityStatus,
    JournalAttachment,
    JournalEntry,
    MentoringPair,
    PlanActivity,
)
from programs.services.programs import set_activity_status
from schools import uploads

EDIT_WINDOW = timedelta(days=7)
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024


class JournalError(ValidationError):
    """A journal entry cannot be written, changed or deleted; the message is for the user, in Russian."""


# --- Attachments ---------------------------------------------------------------------------------


# Office files are recognised by their zip signature alone here: attachments were never opened deeper.
FILE_TYPES = (
    uploads.PDF,
    uploads.DOCX.magic_only(),
    uploads.XLSX.magic_only(),
    uploads.PPTX.magic_only(),
    uploads.JPEG,
    uploads.PNG,
    uploads.TXT,
)
ACCEPT = ",".join(sorted(uploads.accept(FILE_TYPES).split(",")))
_MESSAGES = uploads.UploadMessages(
    extension=gettext_lazy(
        "Файл «%(name)s» не принят: можно прикрепить PDF, DOCX, XLSX, PPTX, JPEG, PNG или текстовый файл TXT."
    )
)


def clean_file_name(name: str | None) -> str:
    """The name the user sees and downloads: no folders, no control characters, at most 255 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) < 16 else base[:255]
    return base


def validate_attachment(upload: UploadedFile) -> uploads.FileKind:
    """The kind of one uploaded file, after checking its size, its extension and its content.

    The message names the file as the user will see it, so that among five they know which one
    to replace.
    """
    try:
        return uploads.check_upload(
            upload,
            kinds=FILE_TYPES,
            max_bytes=MAX_FILE_BYTES,
            name=clean_file_name(upload.name),
            messages=_MESSAGES,
        )
    except uploads.UploadError as error:
        raise JournalError(error.messages) from error


def _check_files(
    uploads: Sequence[UploadedFile], *, kept: int
) -> tuple[list[tuple[UploadedFile, uploads.FileKind]], list[str]]:
    """Every upload with its type, and the messages of the ones refused (all of them at once)."""
    errors: list[str] = []
    if kept + len(uploads) > MAX_FILES:
        errors.append(
            _(
                "К одной записи можно прикрепить не больше %(max)s файлов: уже прикреплено %(kept)s, "
                "выбрано %(new)s."
            )
            % {"max": MAX_FILES, "kept": kept, "new": len(uploads)}
            if kept
            else _("К одной записи можно прикрепить не больше %(max)s файлов (выбрано %(new)s).")
            % {"max": MAX_FILES, "new": len(uploads)}
        )
    checked: list[tuple[UploadedFile, uploads.FileKind]] = []
    for upload in uploads:
        try:
            checked.append((upload, validate_attachment(upload)))
        except JournalError as error:
            errors.extend(error.messages)
    return checked, errors


def _storage():
    return JournalAttachment._meta.get_field("file").storage


def _store(
    entry: JournalEntry, checked: Iterable[tuple[UploadedFile, uploads.FileKind]], stored: list[str]
) -> None:
    """Write the files and their rows; ``stored`` collects the storage names for a clean-up."""
    for upload, file_type in checked:
        original = clean_file_name(upload.name)
        attachment = JournalAttachment(
            entry=entry, original_name=original, size=upload.size, content_type=file_type.content_type
        )
        attachment.file.save(f"file.{file_type.extensions[0]}", upload, save=False)
        stored.append(attachment.file.name)
        attachment.save()


def _delete_files_after_commit(names: list[str]) -> None:
    """Files of removed rows go once the removal is certain (a rollback keeps rows and files)."""

    def delete() -> None:
        storage = _storage()
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --- The rules of an entry -----------------------------------------------------------------------


def editable_until(entry: JournalEntry) -> datetime:
    return entry.created_at + EDIT_WINDOW


def can_change(entry: JournalEntry, user, *, now: datetime | None = None) -> bool:
    """The author may change or delete the entry within 7 days of recording it."""
    now = now or timezone.now()
    return user.pk is not None and entry.author_id == user.pk and now <= editable_until(entry)


def _check_change(entry: JournalEntry, acting_user) -> None:
    if entry.author_id != acting_user.pk:
        raise JournalError(_("Изменять и удалять запись журнала может только её автор."))
    if timezone.now() > editable_until(entry):
        raise JournalError(
            _(
                "Запись можно изменить или удалить в течение 7 дней после того, как она сделана. "
                "Журнал — документ для мониторинга: дополните его новой записью."
            )
        )


@dataclass
class EntryData:
    """What the user typed: the fields of an entry and what to do with the plan activity."""

    date: date
    topic: str
    content: str
    result: str = ""
    assignment: str = ""
    activity: PlanActivity | None = None
    mark_done: bool = False


def _check_data(pair: MentoringPair, data: EntryData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.date > timezone.localdate():
        errors.setdefault("date", []).append(
            _("Дата не может быть в будущем: в журнал записывают то, что уже было.")
        )
    if not data.topic.strip():
        errors.setdefault("topic", []).append(_("Укажите тему."))
    if not data.content.strip():
        errors.setdefault("content", []).append(_("Опишите содержание встречи или работы."))
    if data.activity is not None and data.activity.program.pair_id != pair.pk:
        errors.setdefault("activity", []).append(_("Это мероприятие не из программы этой пары."))
    if data.mark_done and data.activity is None:
        errors.setdefault("mark_done", []).append(
            _("Выберите мероприятие плана, которое нужно отметить выполненным.")
        )
    return errors


def _mark_done(entry: JournalEntry, data: EntryData, acting_user) -> None:
    """The linked activity becomes done through the programs service (it owns activity statuses)."""
    activity = data.activity
    if not data.mark_done or activity is None or activity.status == ActivityStatus.DONE:
        return
    try:
        set_activity_status(
            activity,
            status=ActivityStatus.DONE,
            acting_user=acting_user,
            done_on=entry.date,
            evidence_note=entry.result.strip() or entry.topic,
        )
    except ValidationError as error:
        raise JournalError({"mark_done": error.messages}) from error


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise JournalError(errors)


def create_entry(
    pair: MentoringPair,
    *,
    acting_user,
    data: EntryData,
    files: Sequence[UploadedFile] = (),
) -> JournalEntry:
    """Record a meeting or other work of an open pair, with its files; optionally mark the activity done."""
    errors = _check_data(pair, data)
    if not pair.is_open:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Пара завершила работу: в её журнал больше не добавляют записи.")
        )
    checked, file_errors = _check_files(files, kept=0)
    if file_errors:
        errors.setdefault("files", []).extend(file_errors)
    _raise(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                school_id=pair.school_id,
                pair=pair,
                activity=data.activity,
                author=acting_user,
                date=data.date,
                topic=data.topic.strip(),
                content=data.content.strip(),
                result=data.result.strip(),
                assignment=data.assignment.strip(),
            )
            _mark_done(entry, data, acting_user)
            _store(entry, checked, stored)
    except BaseException:
        for name in stored:
            _storage().delete(name)
        raise
    return entry


def update_entry(
    entry: JournalEntry,
    *,
    acting_user,
    data: EntryData,
    files: Sequence[UploadedFile] = (),
    remove: Iterable[JournalAttachment] = (),
) -> JournalEntry:
    """Change one's own entry within the 7 days: its fields, its activity, its files."""
    _check_change(entry, acting_user)
    errors = _check_data(entry.pair, data)
    current = list(JournalAttachment.objects.filter(entry=entry))
    remove_ids = {a.pk for a in remove} & {a.pk for a in current}
    checked, file_errors = _check_files(files, kept=len(current) - len(remove_ids))
    if file_errors:
        errors.setdefault("files", []).extend(file_errors)
    _raise(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
            _check_change(locked, acting_user)
            entry.activity = data.activity
            entry.date = data.date
            entry.topic = data.topic.strip()
            entry.content = data.content.strip()
            entry.result = data.result.strip()
            entry.assignment = data.assignment.strip()
            entry.save(update_fields=["activity", "date", "topic", "content", "result", "assignment"])
            _mark_done(entry, data, acting_user)
            gone = [a for a in current if a.pk in remove_ids]
            JournalAttachment.objects.filter(pk__in=remove_ids).delete()
            _delete_files_after_commit([a.file.name for a in gone])
            _store(entry, checked, stored)
    except BaseException:
        for name in stored:
            _storage().delete(name)
        raise
    return entry


@transaction.atomic
def delete_entry(entry: JournalEntry, *, acting_user) -> None:
    """Delete one's own entry within the 7 days, with its files (a linked activity keeps its status)."""
    locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    _check_change(locked, acting_user)
    names = list(JournalAttachment.objects.filter(entry=locked).values_list("file", flat=True))
    locked.delete()
    _delete_files_after_commit(names)
