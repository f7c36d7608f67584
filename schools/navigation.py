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
SCHOOLS = NavItem(_("Организации"), "schools:school-list")
ADMIN = NavItem(_("Администрирование"), "admin:index")
AUDIT = NavItem(_("Журнал действий"), "schools:audit-log")

STAFF = NavItem(_("Педагоги"), "schools:staff-list")
STUDENTS = NavItem(_("Обучающиеся"), "schools:student-list")
PARTNERS = NavItem(_("Партнёры"), "schools:partner-list")
MENTEE_BASE = NavItem(_("Кому нужен наставник"), "programs:mentee-base")
DIAGNOSTICS = NavItem(_("Диагностика затруднений"), "programs:diagnostics-list")
MENTORS = NavItem(_("База наставников"), "programs:mentor-list")
REGISTRY = NavItem(_("Реестр наставников"), "programs:mentor-registry")
PAIRS = NavItem(_("Пары и группы"), "programs:pair-list")
MATCHING = NavItem(_("Подбор наставников"), "programs:match-school")
REQUESTS = NavItem(_("Заявления участников"), "programs:request-list")
PROGRAMS = NavItem(_("Программы наставничества"), "programs:program-list")
ROUTES = NavItem(_("ИОМ педагогов"), "programs:route-list")
ROADMAP = NavItem(_("Дорожная карта"), "programs:roadmap")
MY_PROGRAMS = NavItem(_("Мои программы"), "programs:my-programs")
MY_ROUTE = NavItem(_("Мой ИОМ"), "programs:my-route")
BURNOUT = NavItem(_("Профессиональное выгорание"), "programs:burnout-list")
MY_PAIRS = NavItem(_("Мои пары"), "programs:my-pairs")
MY_DIAGNOSTICS = NavItem(_("Моя диагностика"), "programs:my-diagnostics")
DOCUMENTS = NavItem(_("Документы"), "programs:document-list")
DOCUMENT_QUEUE = NavItem(_("На утверждении"), "programs:document-queue")
ACT_REGISTER = NavItem(_("Реестр локальных актов"), "programs:act-register")
NEWS = NavItem(_("Публичная страница и новости"), "programs:news-list")
MENTORING_SETTINGS = NavItem(_("Настройки наставничества"), "programs:mentoring-settings")
CONSENT_WITHDRAWALS = NavItem(_("Отзывы согласий"), "schools:consent-withdrawals")
DASHBOARD = NavItem(_("Дашборд"), "monitoring:dashboard")
CAMPAIGNS = NavItem(_("Кампании мониторинга"), "monitoring:campaign-list")
REPORTS = NavItem(_("Аналитические отчёты"), "monitoring:report-index")
SURVEY_RESULTS = NavItem(_("Анкеты участников"), "monitoring:survey-results")
MY_SURVEYS = NavItem(_("Мои анкеты"), "monitoring:my-surveys")
MY_MENTOR_PROFILE = NavItem(_("Анкета наставника"), "programs:my-mentor-profile")

BASES = NavGroup(_("Базы"), (STAFF, STUDENTS, PARTNERS, CONSENT_WITHDRAWALS))
MENTORING = NavGroup(_("Наставничество"), (MENTEE_BASE, DIAGNOSTICS, MENTORS, REGISTRY))
PAIRING = NavGroup(_("Пары и программы"), (PAIRS, MATCHING, PROGRAMS, REQUESTS, ROUTES))
MONITORING = NavGroup(_("Мониторинг"), (DASHBOARD, CAMPAIGNS, SURVEY_RESULTS, REPORTS))
METHODIST_MONITORING = NavGroup(_("Мониторинг"), (DASHBOARD, CAMPAIGNS, REPORTS))
DOCUMENT_GROUP = NavGroup(_("Документы"), (DOCUMENTS, DOCUMENT_QUEUE, ACT_REGISTER, NEWS, MENTORING_SETTINGS))

MENU: dict[str, list[NavItem | NavGroup]] = {
    Role.ADMIN: [HOME, SCHOOLS, AUDIT, ADMIN],
    Role.REGIONAL_METHODIST: [HOME, SCHOOLS, METHODIST_MONITORING],
    Role.MUNICIPAL_METHODIST: [HOME, SCHOOLS, METHODIST_MONITORING],
    Role.DIRECTOR: [HOME, BASES, MENTORING, PAIRING, DOCUMENT_GROUP, MONITORING, AUDIT],
    Role.CURATOR: [HOME, BASES, MENTORING, PAIRING, DOCUMENT_GROUP, MONITORING],
    Role.PSYCHOLOGIST: [
        HOME,
        NavGroup(_("Базы"), (STAFF,)),
        NavGroup(_("Наставничество"), (MENTEE_BASE, BURNOUT, DIAGNOSTICS, MENTORS)),
        NavGroup(_("Пары и программы"), (PAIRS, PROGRAMS, ROUTES)),
        NavGroup(_("Мониторинг"), (DASHBOARD, SURVEY_RESULTS)),
    ],
    Role.MENTOR: [
        HOME,
        NavGroup(_("Моё наставничество"), (MY_PAIRS, MY_PROGRAMS)),
        NavGroup(_("Мои анкеты"), (MY_MENTOR_PROFILE, MY_DIAGNOSTICS, MY_ROUTE, MY_SURVEYS)),
    ],
    Role.MENTEE: [
        HOME,
        NavGroup(_("Моё наставничество"), (MY_PAIRS, MY_PROGRAMS)),
        NavGroup(_("Мои анкеты"), (MY_DIAGNOSTICS, MY_ROUTE, MY_SURVEYS)),
    ],
}


def navigation_for(tenant: Tenant) -> list[NavItem | NavGroup]:
    return MENU.get(tenant.role, []) if tenant.active else []


def navigation_links(tenant: Tenant, path: str) -> list[NavLink]:
    """The menu of the active role, with the section of the page at ``path`` highlighted.

    When several sections match (``/pairs/`` and ``/pairs/requests/``) the longest URL wins, so
    exactly one item is highlighted.
    """
    entries = navigation_for(tenant)
    items = [i for e in entries for i in (e.items if isinstance(e, NavGroup) else (e,))]
    urls = {item: item.url for item in items}
    matching = [item for item in items if item.is_active(path)]
    current = max(matching, key=lambda item: len(urls[item]), default=None)

    def link(item: NavItem) -> NavLink:
        return NavLink(label=item.label, url=urls[item], active=item is current)

    links = []
    for entry in entries:
        if isinstance(entry, NavGroup):
            children = tuple(link(item) for item in entry.items)
            links.append(
                NavLink(label=entry.label, url="", active=any(c.active for c in children), children=children)
            )
        else:
            links.append(link(entry))
    return links
