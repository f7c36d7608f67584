"""Files of documents (PDF, DOCX): request a rendering, run it in a Celery job, serve it.

- ``request_rendering`` is what the «Скачать PDF/DOCX» buttons call. An approved document never
  changes, so a file already made from its frozen content (same content hash) is reused and no job
  is queued; a job already waiting for the same content is reused too (a double click queues one
  job; one waiting for more than ten minutes is presumed lost). Otherwise a ``DocumentRendering``
  row is created and the job is queued when the transaction commits, so the worker never looks for
  a row that is not there yet.
- ``perform_rendering`` is the job's body: it claims the row with a conditional update (a job
  delivered twice, or a row already done, does nothing), saves its progress between the steps,
  checks an approved document's content against the hash taken at approval, writes the file under
  a school-prefixed random name and records the outcome — an error message in Russian if it failed.
- ``ensure_pdf`` is for the public page «Наставничество»: the PDF of an approved document, made
  and stored once, synchronously.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.documents import rendering
from programs.models import (
    Document,
    DocumentEvent,
    DocumentRendering,
    DocumentStatus,
    RenderFormat,
    RenderStatus,
)
from programs.services.documents import content_hash
from schools.jobs import TRANSIENT_ERRORS
from schools.models import User

logger = logging.getLogger(__name__)

PENDING = (RenderStatus.QUEUED, RenderStatus.RUNNING)
# A job waiting longer than this is presumed lost (a broker restart): the next click queues a new one.
STALE_AFTER = timedelta(minutes=10)


class DocumentFileError(ValidationError):
    """A file of a document cannot be made or given out; the message is for the user, in Russian."""


def _check_format(fmt: str) -> str:
    if fmt not in RenderFormat.values:
        raise DocumentFileError(_("Неизвестный формат файла: %(fmt)s.") % {"fmt": fmt})
    return fmt


def _current_hash(document: Document) -> str:
    """What the file will be made from: the frozen hash of an approved document, else today's content."""
    if document.status == DocumentStatus.APPROVED and document.content_hash:
        return document.content_hash
    return content_hash(document)


def reusable_rendering(document: Document, fmt: str) -> DocumentRendering | None:
    """A finished file of the approved document's frozen content, if one was made."""
    if document.status != DocumentStatus.APPROVED or not document.content_hash:
        return None
    return (
        DocumentRendering.objects.filter(
            document=document, fmt=fmt, status=RenderStatus.DONE, content_hash=document.content_hash
        )
        .exclude(file="")
        .order_by("-finished_at", "-pk")
        .first()
    )


def request_rendering(document: Document, fmt: str, acting_user: User | None) -> DocumentRendering:
    """The rendering to show the user: a reused file, a job in progress, or a new queued job."""
    _check_format(fmt)
    reused = reusable_rendering(document, fmt)
    if reused is not None:
        return reused
    wanted_hash = _current_hash(document)
    pending = (
        DocumentRendering.objects.filter(
            document=document,
            fmt=fmt,
            status__in=PENDING,
            content_hash=wanted_hash,
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-pk")
        .first()
    )
    if pending is not None:
        return pending
    created = DocumentRendering.objects.create(
        document=document, fmt=fmt, requested_by=acting_user, content_hash=wanted_hash
    )
    _enqueue(created)
    return created


def _enqueue(rendering_row: DocumentRendering) -> None:
    from programs.tasks import render_document

    school_id = rendering_row.document.school_id
    rendering_id = rendering_row.pk
    transaction.on_commit(lambda: render_document.delay(rendering_id, scope_school_ids=[school_id]))


def _progress(rendering_id: int, percent: int) -> None:
    DocumentRendering.objects.filter(pk=rendering_id, status=RenderStatus.RUNNING).update(progress=percent)


def _stored_name(fmt: str) -> str:
    """A random name (the school and document ids are in the folder): never guessable, never reused."""
    return f"{fmt}-{secrets.token_hex(12)}.{fmt}"


def _make_file(document: Document, fmt: str, *, on_step=None) -> tuple[bytes, str]:
    """The file's bytes and the content hash they were made from; refuses an altered approved act."""
    step = on_step or (lambda percent: None)
    made_from = content_hash(document)
    if document.status == DocumentStatus.APPROVED and made_from != document.content_hash:
        raise DocumentFileError(
            _(
                "Содержание утверждённого документа не совпадает с контрольной суммой, записанной при "
                "утверждении: файл не сформирован. Сообщите администратору."
            )
        )
    step(20)
    data = rendering.printable(document)
    step(40)
    blob = rendering.render_bytes(document, fmt, data)
    step(90)
    return blob, made_from


def perform_rendering(rendering_id: int) -> str:
    """The job: make the file of one rendering row, once. Returns the row's final status.

    Transient errors (storage, database) propagate so the task can retry them; any other error is final
    and is recorded on the row with a message for the user.
    """
    claimed = DocumentRendering.objects.filter(pk=rendering_id, status__in=PENDING).update(
        status=RenderStatus.RUNNING, progress=5, error=""
    )
    row = DocumentRendering.objects.select_related("document", "requested_by").filter(pk=rendering_id).first()
    if row is None:
        return "missing"
    if not claimed:
        return row.status  # done or failed already: a repeated delivery changes nothing
    document = row.document
    try:
        blob, made_from = _make_file(document, row.fmt, on_step=lambda p: _progress(rendering_id, p))
    except TRANSIENT_ERRORS:
        raise
    except DocumentFileError as error:
        record_failure(rendering_id, " ".join(error.messages))
        return RenderStatus.FAILED
    except Exception:
        logger.exception("Rendering %s of document %s failed", rendering_id, document.pk)
        record_failure(
            rendering_id, _("Не удалось сформировать файл: внутренняя ошибка. Попробуйте ещё раз.")
        )
        return RenderStatus.FAILED
    row.file.save(_stored_name(row.fmt), ContentFile(blob), save=False)
    with transaction.atomic():
        updated = DocumentRendering.objects.filter(pk=rendering_id, status=RenderStatus.RUNNING).update(
            status=RenderStatus.DONE,
            progress=100,
            file=row.file.name,
            sha256=hashlib.sha256(blob).hexdigest(),
            content_hash=made_from,
            finished_at=timezone.now(),
            error="",
        )
        if updated:
            DocumentEvent.objects.create(
                document=document,
                action=DocumentEvent.Action.RENDERED,
                actor=row.requested_by,
                comment=row.get_fmt_display(),
            )
    if not updated:  # another delivery finished first: keep its file, drop ours
        row.file.storage.delete(row.file.name)
    return RenderStatus.DONE


def record_failure(rendering_id: int, message: str) -> None:
    DocumentRendering.objects.filter(pk=rendering_id).exclude(status=RenderStatus.DONE).update(
        status=RenderStatus.FAILED, error=message, finished_at=timezone.now()
    )


def read_file(rendering_row: DocumentRendering) -> bytes:
    with rendering_row.file.open("rb") as handle:
        return handle.read()


@transaction.atomic
def ensure_pdf(document: Document) -> bytes:
    """The PDF of an approved document for the public page: made once, then read from storage.

    The document row is locked while it is made, so two visitors at once make it once.
    """
    if document.status != DocumentStatus.APPROVED:
        raise DocumentFileError(_("Опубликовать можно только утверждённый документ."))
    document = Document.objects.select_for_update().get(pk=document.pk)
    found = reusable_rendering(document, RenderFormat.PDF)
    if found is not None:
        try:
            return read_file(found)
        except FileNotFoundError:
            logger.warning("The stored PDF of document %s is missing; rendering it again", document.pk)
    blob, made_from = _make_file(document, RenderFormat.PDF)
    row = DocumentRendering(
        document=document,
        fmt=RenderFormat.PDF,
        status=RenderStatus.DONE,
        progress=100,
        sha256=hashlib.sha256(blob).hexdigest(),
        content_hash=made_from,
        finished_at=timezone.now(),
    )
    row.file.save(_stored_name(RenderFormat.PDF), ContentFile(blob), save=False)
    row.save()
    return blob
