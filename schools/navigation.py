"""The main menu of each role. Only sections that exist are listed; later features add theirs here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schools.models import Role
from schools.tenancy import Tenant


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


HOME = NavItem(_("Главная"), "home")
STAFF = NavItem(_("Педагоги"), "schools:staff-list")
SCHOOLS = NavItem(_("Организации"), "schools:school-list")
ADMIN = NavItem(_("Администрирование"), "admin:index")

MENU: dict[str, list[NavItem]] = {
    Role.ADMIN: [HOME, SCHOOLS, ADMIN],
    Role.REGIONAL_METHODIST: [HOME, SCHOOLS],
    Role.MUNICIPAL_METHODIST: [HOME, SCHOOLS],
    Role.DIRECTOR: [HOME, STAFF],
    Role.CURATOR: [HOME, STAFF],
    Role.PSYCHOLOGIST: [HOME, STAFF],
    Role.MENTOR: [HOME],
    Role.MENTEE: [HOME],
}


def navigation_for(tenant: Tenant) -> list[NavItem]:
    return MENU.get(tenant.role, []) if tenant.active else []
