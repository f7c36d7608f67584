"""Permission cases of the pair screens: pairs, consents, requests, a member's own pairs.

The school-A pair of these cases has the school-A mentor user as its mentor and the marker
person (the school-A mentee user) as its mentee, so the marker name is on every page of it.
Builders are idempotent: a case may be called several times in one test.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from programs.models import Consent, ConsentKind, MentoringPair, MentorProfile, PairRequest
from programs.services.pairs import create_pair
from programs.services.participants import participant_for
from tests import programs_factories as f
from tests.conftest import World
from tests.factories import StaffFactory
from tests.permission_cases.base import Case

SCAN_NAME = "test-permission-cases/consent-scan.pdf"


def _pair(w: World) -> MentoringPair:
    with scopes_disabled():
        mentor_user = w.a.users["mentor"]
        existing = MentoringPair.objects.filter(school=w.a.school, mentor__staff__user=mentor_user).first()
        if existing is not None:
            return existing
        mentor = participant_for(
            StaffFactory(school=w.a.school, user=mentor_user, last_name="Наставникова", experience_years=20)
        )
        MentorProfile.objects.create(school=w.a.school, participant=mentor, capacity=10)
        return create_pair(
            school=w.a.school,
            mentor=mentor,
            mentees=[participant_for(w.a.staff)],
            form=f.teacher_form(),
            kind=f.traditional(),
            start_date=date(2026, 9, 1),
            planned_end_date=date(2027, 5, 31),
            acting_user=w.a.users["curator"],
        )


def _pair_kwargs(w: World) -> dict:
    return {"pk": _pair(w).pk}


def _mentee(w: World):
    with scopes_disabled():
        return participant_for(w.a.staff)


def _consent(w: World) -> Consent:
    """A valid consent of the marker person, with a small scan on disk."""
    _pair(w)
    mentee = _mentee(w)
    with scopes_disabled():
        consent = Consent.objects.filter(
            participant=mentee, kind=ConsentKind.PERSONAL_DATA, withdrawn_on__isnull=True
        ).first()
        if consent is None:
            path = Path(settings.MEDIA_ROOT) / SCAN_NAME
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4\n% permission case\n")
            consent = Consent.objects.create(
                school=w.a.school,
                participant=mentee,
                kind=ConsentKind.PERSONAL_DATA,
                received_on=date(2026, 9, 1),
                scan=SCAN_NAME,
            )
        return consent


def _request(w: World) -> PairRequest:
    pair = _pair(w)
    with scopes_disabled():
        request = PairRequest.objects.filter(pair=pair, status=PairRequest.Status.OPEN).first()
        if request is None:
            request = PairRequest.objects.create(
                pair=pair, kind=PairRequest.Kind.REPLACE, author=w.a.users["mentee"], reason="—"
            )
        return request


def _consent_create_kwargs(w: World) -> dict:
    return {"pk": _pair(w).pk, "participant_pk": _mentee(w).pk, "kind": ConsentKind.MENTEE}


def _form_pdf_kwargs(w: World) -> dict:
    _pair(w)
    return {"participant_pk": _mentee(w).pk, "kind": ConsentKind.PERSONAL_DATA}


def _pair_case(owner: str = "curator", **kwargs) -> Case:
    return Case(owner_role=owner, kwargs=_pair_kwargs, addresses_object=True, **kwargs)


CASES: dict[str, Case] = {
    "programs:pair-list": Case(owner_role="curator"),
    "programs:pair-create": Case(owner_role="curator"),
    "programs:pair-detail": _pair_case(),
    "programs:pair-edit": _pair_case(),
    "programs:pair-consents-collected": _pair_case(method="post", owner_status=302),
    "programs:pair-fix": _pair_case(owner="director"),
    "programs:pair-start": _pair_case(method="post", owner_status=302),
    "programs:pair-complete": _pair_case(),
    "programs:pair-end": _pair_case(),
    "programs:pair-delete": _pair_case(),
    "programs:consent-create": Case(
        owner_role="curator", kwargs=_consent_create_kwargs, addresses_object=True
    ),
    "programs:consent-withdraw": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _consent(w).pk},
        method="post",
        data=lambda w: {"withdrawn_on": "2026-09-02"},
        addresses_object=True,
        owner_status=302,
    ),
    "programs:consent-attach-scan": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _consent(w).pk},
        method="post",
        addresses_object=True,
        owner_status=302,
    ),
    "programs:consent-scan": Case(
        owner_role="curator", kwargs=lambda w: {"pk": _consent(w).pk}, addresses_object=True
    ),
    "programs:consent-form-pdf": Case(owner_role="curator", kwargs=_form_pdf_kwargs, addresses_object=True),
    "programs:request-list": Case(owner_role="curator"),
    "programs:request-decide": Case(
        owner_role="curator",
        kwargs=lambda w: {"pk": _request(w).pk},
        method="post",
        data=lambda w: {"decision": "decline", "comment": "—"},
        addresses_object=True,
        owner_status=302,
    ),
    "programs:my-pairs": Case(owner_role="mentor"),
    "programs:my-pair-detail": _pair_case(owner="mentor"),
    "programs:pair-request-create": _pair_case(owner="mentee"),
}
