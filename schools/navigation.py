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

    def is_active(self, path: str) -> bool:
        """Whether the page at ``path`` belongs to this section (its list, cards and sub-pages).

        The home page is active only on itself: every path starts with "/".
        """
        url = self.url
        if url == "/" or path == url:
            return path == url
        return path.startswith(url if url.endswith("/") else f"{url}/")


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of related sections (the bases, the pairs)."""

    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True)
class NavLink:
    """A menu item as the header shows it on one page; a group carries its children."""

    label: str
    url: str
    active: bool
    children: tuple[NavLink, ...] = ()


HOME = NavItem(_("Главная"), "home")
STAFF = NavItem(_("Педагоги"), "schools:staff-list")
SCHOOLS = NavItem(_("Организации"), "schools:school-list")
ADMIN = NavItem(_("Администрирование"), "admin:index")

MENU: dict[str, list[NavItem | NavGroup]] = {
    Role.ADMIN: [HOME, SCHOOLS, ADMIN],
    Role.REGIONAL_METHODIST: [HOME, SCHOOLS],
    Role.MUNICIPAL_METHODIST: [HOME, SCHOOLS],
    Role.DIRECTOR: [HOME, STAFF],
    Role.CURATOR: [HOME, STAFF],
    Role.PSYCHOLOGIST: [HOME, STAFF],
    Role.MENTOR: [HOME],
    Role.MENTEE: [HOME],
}


def navigation_for(tenant: Tenant) -> list[NavItem | NavGroup]:
    return MENU.get(tenant.role, []) if tenant.active else []


def _link(item: NavItem, path: str) -> NavLink:
    return NavLink(label=item.label, url=item.url, active=item.is_active(path))


def navigation_links(tenant: Tenant, path: str) -> list[NavLink]:
    """The menu of the active role, with the section of the page at ``path`` highlighted."""
    links = []
    for entry in navigation_for(tenant):
        if isinstance(entry, NavGroup):
            children = tuple(_link(item, path) for item in entry.items)
            links.append(
                NavLink(label=entry.label, url="", active=any(c.active for c in children), children=children)
            )
        else:
            links.append(_link(entry, path))
    return links
