"""Written consents: recording one received, checking its scan, withdrawing it.

A pair may be fixed by order only with every consent in hand (programs/services/pairs.py reads
them); this module is where they come in and go out. A minor student's consent is valid only from
the legal guardian, so the guardian's name is required then. Scans hold personal data: only PDF,
JPEG and PNG are kept (checked by their first bytes, not by the name a browser sent), at most
10 MB, under a random school-prefixed name, and they are served only through a scoped view.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import (
    OPEN_PAIR_STATUSES,
    Consent,
    ConsentKind,
    MentoringPair,
    PairEvent,
    PairMentee,
    PairStatus,
    Participant,
)
from programs.selectors import processing_stopped
from programs.services.pairs import missing_consents
from schools import uploads

MAX_SCAN_BYTES = 10 * 1024 * 1024


class ConsentError(ValidationError):
    """A consent cannot be recorded or withdrawn; the message is for the user, in Russian."""


# --- Scans ---------------------------------------------------------------------------------------


SCAN_TYPES = (uploads.PDF, uploads.JPEG, uploads.PNG)
CONTENT_TYPES = uploads.content_types(SCAN_TYPES)
# The consent screen's own wording: it speaks of a scan, and the old messages users know stay.
_SCAN_MESSAGES = uploads.UploadMessages(
    empty=gettext_lazy("Файл пуст. Выберите скан согласия."),
    too_big=gettext_lazy("Файл слишком большой (%(size)s МБ). Максимальный размер скана — %(max)s МБ."),
    content=gettext_lazy(
        "Файл «%(name)s» не является файлом %(extension)s: его содержимое не совпадает с расширением. "
        "Загрузите настоящий скан в формате PDF, JPEG или PNG."
    ),
)


def validate_scan(upload: UploadedFile) -> uploads.FileKind:
    """The kind of an uploaded scan (PDF, JPEG or PNG), after checking its size, its name and its first bytes."""
    try:
        return uploads.check_upload(
            upload, kinds=SCAN_TYPES, max_bytes=MAX_SCAN_BYTES, messages=_SCAN_MESSAGES
        )
    except uploads.UploadError as error:
        raise ConsentError({"scan": error.messages}) from error


# --- Recording and withdrawing -------------------------------------------------------------------


def _open_pairs_with(participant: Participant) -> list[MentoringPair]:
    return list(
        MentoringPair.objects.filter(
            Q(mentor=participant) | Q(mentee_links__mentee=participant), status__in=OPEN_PAIR_STATUSES
        )
        .distinct()
        .order_by("pk")
    )


def _note(pairs: list[MentoringPair], *, actor, description: str) -> None:
    """Keep the consent change in the history of every open pair of the person."""
    PairEvent.objects.bulk_create([PairEvent(pair=p, actor=actor, description=description) for p in pairs])


@transaction.atomic
def record_consent(
    *,
    participant: Participant,
    kind: str,
    received_on: date,
    given_by_guardian: bool = False,
    guardian_name: str = "",
    scan: UploadedFile | None = None,
    acting_user,
) -> Consent:
    """Record a consent received on paper (with its scan, when there is one)."""
    # One valid consent per person and kind: lock the person so two clicks do not race.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    errors: dict[str, list[str]] = {}
    guardian_name = guardian_name.strip()
    if kind not in ConsentKind.values:
        errors.setdefault("kind", []).append(_("Выберите вид согласия."))
    if received_on > timezone.localdate():
        errors.setdefault("received_on", []).append(_("Дата получения не может быть в будущем."))
    if participant.needs_guardian_on(received_on):
        if not given_by_guardian:
            errors.setdefault("given_by_guardian", []).append(
                _("%(name)s на дату получения не исполнилось 18 лет: согласие даёт законный представитель.")
                % {"name": participant.full_name}
            )
        if not guardian_name:
            errors.setdefault("guardian_name", []).append(
                _("Укажите ФИО законного представителя несовершеннолетнего обучающегося.")
            )
    elif given_by_guardian and not guardian_name:
        errors.setdefault("guardian_name", []).append(_("Укажите ФИО законного представителя."))
    if scan is not None:
        try:
            scan_type = validate_scan(scan)
        except ConsentError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        else:
            scan.name = f"scan.{scan_type.extension}"
    if not errors and kind in ConsentKind.values:
        exists = Consent.objects.filter(participant=participant, kind=kind, withdrawn_on__isnull=True)
        if exists.exists():
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("%(name)s: %(kind)s уже получено. Чтобы заменить его, сначала отметьте отзыв.")
                % {"name": participant.full_name, "kind": ConsentKind(kind).label}
            )
    if errors:
        raise ConsentError(errors)
    consent = Consent.objects.create(
        school_id=participant.school_id,
        participant=participant,
        kind=kind,
        received_on=received_on,
        given_by_guardian=given_by_guardian,
        guardian_name=guardian_name if given_by_guardian else "",
        scan=scan or "",
        recorded_by=acting_user,
    )
    who = (
        _("%(name)s (от законного представителя: %(guardian)s)")
        % {"name": participant.full_name, "guardian": consent.guardian_name}
        if consent.given_by_guardian
        else participant.full_name
    )
    _note(
        _open_pairs_with(participant),
        actor=acting_user,
        description=_("Получено согласие: %(who)s — %(kind)s, от %(date)s.")
        % {"who": who, "kind": consent.get_kind_display(), "date": received_on.strftime("%d.%m.%Y")},
    )
    return consent


@transaction.atomic
def attach_scan(consent: Consent, *, scan: UploadedFile, acting_user) -> Consent:
    """Add the scan to a consent recorded without one (the paper often arrives before the scanner)."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("participant").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ConsentError(_("Согласие отозвано: скан к нему не прикладывается."))
    if consent.scan:
        raise ConsentError(_("К этому согласию уже приложен скан."))
    scan_type = validate_scan(scan)
    scan.name = f"scan.{scan_type.extension}"
    consent.scan = scan
    consent.save(update_fields=["scan"])
    _note(
        _open_pairs_with(consent.participant),
        actor=acting_user,
        description=_("Приложен скан согласия: %(name)s — %(kind)s.")
        % {"name": consent.participant.full_name, "kind": consent.get_kind_display()},
    )
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, on: date, acting_user) -> Consent:
    """Mark a consent withdrawn: its pairs show it missing again.

    A pair whose consents were marked collected goes back to draft (the mark is no longer true); a
    pair fixed by order or working keeps its status, and its history says that the curator must
    obtain the consent again or end the pair.
    """
    consent = Consent.objects.select_for_update(of=("self",)).select_related("participant").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ConsentError(
            _("Это согласие уже отозвано %(date)s.") % {"date": consent.withdrawn_on.strftime("%d.%m.%Y")}
        )
    if on < consent.received_on:
        raise ConsentError({"withdrawn_on": [_("Дата отзыва не может быть раньше даты получения согласия.")]})
    if on > timezone.localdate():
        raise ConsentError({"withdrawn_on": [_("Дата отзыва не может быть в будущем.")]})
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    participant = consent.participant
    description = _("Отозвано согласие: %(name)s — %(kind)s, с %(date)s.") % {
        "name": participant.full_name,
        "kind": consent.get_kind_display(),
        "date": on.strftime("%d.%m.%Y"),
    }
    pairs = _open_pairs_with(participant)
    locked = (
        MentoringPair.objects.select_for_update(of=("self",))
        .filter(pk__in=[p.pk for p in pairs])
        .select_related("mentor__student")
        .prefetch_related(
            Prefetch("mentee_links", queryset=PairMentee.objects.select_related("mentee__student"))
        )
        .order_by("pk")
    )
    for pair in locked:
        if pair.status == PairStatus.CONSENTS and missing_consents(pair):
            pair.status = PairStatus.DRAFT
            pair.save(update_fields=["status", "updated_at"])
            PairEvent.objects.create(
                pair=pair,
                actor=acting_user,
                from_status=PairStatus.CONSENTS,
                to_status=PairStatus.DRAFT,
                description=description + " " + _("Согласия пары снова собираются."),
            )
        elif pair.status in (PairStatus.FIXED, PairStatus.ACTIVE):
            PairEvent.objects.create(
                pair=pair,
                actor=acting_user,
                description=description
                + " "
                + _("Получите согласие заново или прекратите работу пары досрочно."),
            )
        else:
            PairEvent.objects.create(pair=pair, actor=acting_user, description=description)
    return consent


# --- Withdrawal of the consent to personal data processing -----------------------------------------


@transaction.atomic
def withdraw_processing_consent(
    participant: Participant, *, on: date, acting_user, given_on: date | None = None
) -> Consent:
    """The person withdraws consent to the processing of their personal data (152-ФЗ, ст. 9 ч. 2).

    The valid consent of the kind «на обработку персональных данных» is marked withdrawn; when none
    was recorded in the system (the paper consent predates it), a record is made with the date it
    was given (``given_on``, or the withdrawal date when unknown) and withdrawn at once, so every
    withdrawal is a consent row with its date. The person then drops out of processing
    (``selectors.processing_stopped``) and the history of every open pair of theirs says so.
    """
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if processing_stopped().filter(pk=participant.pk).exists():
        withdrawn = (
            Consent.objects.filter(participant=participant, kind=ConsentKind.PERSONAL_DATA)
            .order_by("-withdrawn_on")
            .values_list("withdrawn_on", flat=True)
            .first()
        )
        raise ConsentError(
            _("%(name)s уже отозвал(а) согласие на обработку персональных данных %(date)s.")
            % {"name": participant.full_name, "date": withdrawn.strftime("%d.%m.%Y")}
        )
    if on > timezone.localdate():
        raise ConsentError({"withdrawn_on": [_("Дата отзыва не может быть в будущем.")]})
    consent = Consent.objects.filter(
        participant=participant, kind=ConsentKind.PERSONAL_DATA, withdrawn_on__isnull=True
    ).first()
    if consent is None:
        given_on = given_on or on
        if given_on > on:
            raise ConsentError({"given_on": [_("Дата согласия не может быть позже даты отзыва.")]})
        consent = Consent.objects.create(
            school_id=participant.school_id,
            participant=participant,
            kind=ConsentKind.PERSONAL_DATA,
            received_on=given_on,
            recorded_by=acting_user,
        )
    return withdraw_consent(consent, on=on, acting_user=acting_user)
