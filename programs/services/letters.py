"""The letter that doubles an in-app notification (reminders, documents): one shape for both."""

from __future__ import annotations

from django.utils.translation import gettext as _


def notification_letter(row: dict, *paragraphs: str) -> tuple[str, str]:
    """Subject and body: a greeting by first name and patronymic, then the paragraphs.

    ``row`` is a notification read with ``title``, ``user__first_name`` and ``user__patronymic``.
    The subject quotes the title, which may hold a user's line breaks (a document title is typed in
    a textarea); a mail header may not, so the subject is put on one line.
    """
    name = " ".join(p for p in (row["user__first_name"], row["user__patronymic"]) if p)
    greeting = _("Здравствуйте, %(name)s!") % {"name": name} if name else _("Здравствуйте!")
    body = "\n\n".join([greeting, *(p for p in paragraphs if p)])
    subject = " ".join((_("Наставник: %(title)s") % {"title": row["title"]}).split())
    return subject, body
