"""Requests of pair members: a mentor asks to be released, a mentee asks for another mentor.

The request is a document of the pair's history: it is kept with its decision. Accepting it does
not end the pair by itself — ending early is a separate step with its own date and comment, which
the curator takes next with the matching reason preselected (``END_REASON_FOR``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import EndReason, MentoringPair, PairEvent, PairRequest

END_REASON_FOR: dict[str, str] = {
    PairRequest.Kind.RELEASE: EndReason.MENTOR_REQUEST,
    PairRequest.Kind.REPLACE: EndReason.MENTEE_REQUEST,
}


class PairRequestError(ValidationError):
    """A request cannot be filed or decided; the message is for the user, in Russian."""


def request_kind_for(pair: MentoringPair, user) -> str | None:
    """Release for the pair's mentor, replace for one of its mentees, None for anyone else."""
    if user.pk is not None and pair.mentor.user_id_of_person == user.pk:
        return PairRequest.Kind.RELEASE
    if any(link.mentee.user_id_of_person == user.pk for link in pair.mentee_links.all()):
        return PairRequest.Kind.REPLACE
    return None


@transaction.atomic
def file_request(pair: MentoringPair, *, author, reason: str) -> PairRequest:
    """File the author's request on a pair they are in; one open request per person and pair."""
    kind = request_kind_for(pair, author)
    if kind is None:
        raise PairRequestError(_("Заявление может подать только участник этой пары."))
    locked = MentoringPair.objects.select_for_update().get(pk=pair.pk)
    if not locked.is_open:
        raise PairRequestError(_("Пара уже завершила работу: заявление подать нельзя."))
    reason = reason.strip()
    if not reason:
        raise PairRequestError({"reason": [_("Опишите причину: куратор рассмотрит заявление по ней.")]})
    if PairRequest.objects.filter(pair=locked, author=author, status=PairRequest.Status.OPEN).exists():
        raise PairRequestError(_("Ваше заявление по этой паре уже на рассмотрении у куратора."))
    request = PairRequest.objects.create(pair=locked, kind=kind, author=author, reason=reason)
    PairEvent.objects.create(
        pair=locked,
        actor=author,
        description=_("Подано заявление: %(kind)s. Причина: %(reason)s")
        % {"kind": request.get_kind_display(), "reason": reason},
    )
    return request


@transaction.atomic
def decide_request(request: PairRequest, *, accept: bool, comment: str, acting_user) -> PairRequest:
    """Accept or decline an open request; a refusal must say why (the author will read it)."""
    request = PairRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PairRequest.Status.OPEN:
        raise PairRequestError(
            _("Решение по этому заявлению уже принято: %(status)s.")
            % {"status": request.get_status_display()}
        )
    comment = comment.strip()
    if not accept and not comment:
        raise PairRequestError({"comment": [_("Укажите, почему заявление отклонено.")]})
    request.status = PairRequest.Status.ACCEPTED if accept else PairRequest.Status.DECLINED
    request.decided_by = acting_user
    request.decided_at = timezone.now()
    request.decision_comment = comment
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    if accept:
        description = _("Заявление «%(kind)s» удовлетворено.") % {"kind": request.get_kind_display()}
    else:
        description = _("Заявление «%(kind)s» отклонено.") % {"kind": request.get_kind_display()}
    if comment:
        description += " " + _("Комментарий: %(comment)s") % {"comment": comment}
    PairEvent.objects.create(pair_id=request.pair_id, actor=acting_user, description=description)
    return request
