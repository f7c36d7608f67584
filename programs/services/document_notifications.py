"""Notifications about documents: the director learns that a document waits for approval, the author
that it was returned (with the director's comment) or approved (with its number).

Called by the views after the workflow service (``programs.services.documents``) has succeeded.
Each notification is an in-app ``Notification`` (unique per user and event key, so a repeated call
never notifies twice) and, once the transaction commits, a letter to users with an e-mail address
whose preference allows letters (no preference row means yes). A failed letter is logged and left
for nobody to retry: the notification in the app is what counts, the letter is a courtesy.

Event keys:

    document-submitted:<document id>:<submitted at, epoch seconds>   (a re-submission is a new event)
    document-returned:<document id>:<id of the «returned» event>
    document-approved:<document id>
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Document, DocumentEvent, Notification
from programs.services.letters import notification_letter
from schools.models import Membership, Role, User
from schools.tenancy import school_scope

logger = logging.getLogger(__name__)


class Kind:
    """Values of ``Notification.kind`` written by this module."""

    SUBMITTED = "document_submitted"
    RETURNED = "document_returned"
    APPROVED = "document_approved"


DOCUMENT_KINDS = (Kind.SUBMITTED, Kind.RETURNED, Kind.APPROVED)


def _name(user: User | None) -> str:
    return user.short_name if user is not None else _("пользователь")


def _active(user_ids: Iterable[int | None], *, exclude: User | None) -> list[int]:
    wanted = {pk for pk in user_ids if pk is not None and (exclude is None or pk != exclude.pk)}
    if not wanted:
        return []
    return sorted(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))


def _authors(document: Document) -> list[int | None]:
    """Who drafted the document and who sent it to the director the last time."""
    submitter = (
        DocumentEvent.objects.filter(document=document, action=DocumentEvent.Action.SUBMITTED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return [document.created_by_id, submitter]


def _notify(
    document: Document, user_ids: list[int], *, kind: str, key: str, title: str, body: str
) -> list[int]:
    """Store one notification per user (once per key) and mail them after the commit."""
    if not user_ids:
        return []
    url = reverse("programs:document-detail", kwargs={"pk": document.pk})
    Notification.objects.bulk_create(
        [
            Notification(
                school_id=document.school_id,
                user_id=user_id,
                kind=kind,
                event_key=key,
                title=title[:300],
                body=body,
                url=url,
            )
            for user_id in user_ids
        ],
        ignore_conflicts=True,
    )
    school_id = document.school_id
    transaction.on_commit(lambda: email_notifications(school_id=school_id, event_key=key))
    return user_ids


def document_submitted(*, document: Document, acting_user: User | None) -> list[int]:
    """Tell the school's directors that a document waits for their approval."""
    # The selectors read the documents service, which calls this module: import at call time.
    from programs.selectors_documents import approval_effects

    directors = Membership.objects.filter(
        school_id=document.school_id, role=Role.DIRECTOR, is_active=True
    ).values_list("user_id", flat=True)
    stamp = int((document.submitted_at or timezone.now()).timestamp())
    effects = approval_effects(
        document, pair_count=document.pair_rows.count(), approves=list(document.approves.all())
    )
    return _notify(
        document,
        _active(directors, exclude=acting_user),
        kind=Kind.SUBMITTED,
        key=f"document-submitted:{document.pk}:{stamp}",
        title=_("На утверждение: %(title)s") % {"title": document.title},
        body=_("%(who)s отправил(а) документ на утверждение. При утверждении он %(effects)s.")
        % {"who": _name(acting_user), "effects": "; ".join(effects)},
    )


def document_returned(*, document: Document, acting_user: User | None) -> list[int]:
    """Tell the author what the director wants changed."""
    event_id = (
        DocumentEvent.objects.filter(document=document, action=DocumentEvent.Action.RETURNED)
        .order_by("-at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return _notify(
        document,
        _active(_authors(document), exclude=acting_user),
        kind=Kind.RETURNED,
        key=f"document-returned:{document.pk}:{event_id or 0}",
        title=_("Возвращён на доработку: %(title)s") % {"title": document.title},
        body=_("%(who)s вернул(а) документ на доработку. Комментарий: %(comment)s")
        % {"who": _name(acting_user), "comment": document.director_comment},
    )


def document_approved(*, document: Document, acting_user: User | None) -> list[int]:
    """Tell the author that the document is approved, with its number and date."""
    return _notify(
        document,
        _active(_authors(document), exclude=acting_user),
        kind=Kind.APPROVED,
        key=f"document-approved:{document.pk}",
        title=_("Утверждён: %(title)s") % {"title": document.title},
        body=_("%(who)s утвердил(а) документ: № %(number)s от %(date)s.")
        % {
            "who": _name(acting_user),
            "number": document.registration_number,
            "date": document.approved_on.strftime("%d.%m.%Y") if document.approved_on else "",
        },
    )


# --- E-mail ----------------------------------------------------------------------------------------


def _letter(row: dict) -> tuple[str, str]:
    return notification_letter(
        row,
        row["title"],
        row["body"],
        _(
            "Документ открывается в системе «Наставник»: раздел «Документы» или «Уведомления». "
            "Отключить письма можно в настройках уведомлений."
        ),
    )


def email_notifications(*, school_id: int, event_key: str) -> int:
    """Mail the notifications of one event that are not mailed yet; returns letters sent.

    Each row is claimed by a conditional UPDATE of ``emailed_at`` first, so a letter goes out once.
    """
    sent = 0
    with school_scope([school_id]):
        rows = list(
            Notification.objects.filter(
                event_key=event_key, kind__in=DOCUMENT_KINDS, emailed_at__isnull=True, user__is_active=True
            )
            .filter(~Q(user__email=""))
            .filter(
                Q(user__notification_preference__isnull=True)
                | Q(user__notification_preference__email_enabled=True)
            )
            .values("pk", "title", "body", "user__email", "user__first_name", "user__patronymic")
            .order_by("pk")
        )
        if not rows:
            return 0
        try:
            connection = get_connection()
            connection.open()
        except OSError:
            logger.warning("Document notifications of %s were not mailed", event_key, exc_info=True)
            return 0
        try:
            for row in rows:
                claimed_at = timezone.now()
                if not Notification.objects.filter(pk=row["pk"], emailed_at__isnull=True).update(
                    emailed_at=claimed_at
                ):
                    continue
                subject, body = _letter(row)
                try:
                    EmailMessage(
                        subject=subject, body=body, to=[row["user__email"]], connection=connection
                    ).send()
                except OSError:
                    Notification.objects.filter(pk=row["pk"], emailed_at=claimed_at).update(emailed_at=None)
                    logger.warning("Document notification %s was not mailed", row["pk"], exc_info=True)
                    continue
                sent += 1
        finally:
            connection.close()
    return sent
