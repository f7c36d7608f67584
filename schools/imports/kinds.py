"""What can be imported: one entry per kind of file, keyed by the name used in URLs and the command.

This is the extension point for later kinds (pairs, programs, documents): write a
``RegistryResource`` subclass and ``register()`` an ``ImportKind`` for it. The browser pages, the
template and export downloads and ``manage.py import_data`` pick it up from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schools.imports.resources import PartnerResource, RegistryResource, StaffResource, StudentResource


@dataclass(frozen=True)
class ImportKind:
    key: str
    resource: type[RegistryResource]
    title: str | Promise  # what the file holds, as a page title: «Педагогические работники»
    sheet_title: str | Promise  # the first sheet of the template and of exports
    file_stem: str  # Latin, for file names: pedagogi-<school code>-<date>.xlsx
    list_url: str  # where the records live, to go back to after an import

    def columns(self) -> list[str]:
        """Column names in file order (the template's header row)."""
        fields = self.resource.fields
        return [str(fields[name].column_name) for name in self.resource._meta.export_order]


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    if kind.key in KINDS:
        raise ValueError(f"Import kind {kind.key!r} is registered twice")
    KINDS[kind.key] = kind
    return kind


register(
    ImportKind(
        key="staff",
        resource=StaffResource,
        title=_("Педагогические работники"),
        sheet_title=_("Педагоги"),
        file_stem="pedagogi",
        list_url="schools:staff-list",
    )
)
register(
    ImportKind(
        key="students",
        resource=StudentResource,
        title=_("Обучающиеся"),
        sheet_title=_("Обучающиеся"),
        file_stem="obuchayushchiesya",
        list_url="schools:student-list",
    )
)
register(
    ImportKind(
        key="partners",
        resource=PartnerResource,
        title=_("Организации-партнёры"),
        sheet_title=_("Партнёры"),
        file_stem="partnery",
        list_url="schools:partner-list",
    )
)
