"""Permission cases of the personal-data pages: the person page, the ZIP, anonymisation, withdrawal.

School A's staff member carries the marker name, so a page or an archive shown to another school
would give itself away. Writes are for the director and the curator only.
"""

from __future__ import annotations

from datetime import date

from django_scopes import scopes_disabled

from programs.models import Consent, ConsentKind
from programs.services.participants import participant_for
from tests.conftest import World
from tests.permission_cases.base import Case


def _staff(w: World) -> dict:
    return {"kind": "staff", "pk": w.a.staff.pk}


def _withdrawn(w: World) -> dict:
    """School A's marked staff member has withdrawn consent to personal data processing."""
    with scopes_disabled():
        participant = participant_for(w.a.staff)
        Consent.objects.create(
            school=w.a.school,
            participant=participant,
            kind=ConsentKind.PERSONAL_DATA,
            received_on=date(2026, 9, 1),
            withdrawn_on=date(2026, 10, 1),
        )
    return {}


CASES: dict[str, Case] = {
    "schools:person-data": Case(owner_role="curator", kwargs=_staff, addresses_object=True),
    "schools:person-data-export": Case(owner_role="director", kwargs=_staff, addresses_object=True),
    "schools:person-data-anonymise": Case(owner_role="curator", kwargs=_staff, addresses_object=True),
    "schools:person-data-withdraw": Case(owner_role="director", kwargs=_staff, addresses_object=True),
    "schools:consent-withdrawals": Case(owner_role="curator", kwargs=_withdrawn),
}
