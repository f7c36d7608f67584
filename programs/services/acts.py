"""Writes of the register of local acts and of the public page: external acts and news.

An external act is a required act the school adopted before it used Nastavnik (or outside it):
its number, date, a scan and, for the website section, the page's address. It feeds the register
(programs/selectors_acts.py) until an act of the same requirement is approved in the system. Scans
are official papers: only PDF, JPEG and PNG up to 10 MB are kept (checked by content, not by the
name), under a random school-prefixed name, and they are served only through a scoped view.

News are the school's posts on its public page «Наставничество»: plain text, shown escaped.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import ExternalAct, RequiredAct, SchoolNews
from schools import uploads
from schools.models import School, User

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = (uploads.PDF, uploads.JPEG, uploads.PNG)
SCAN_ACCEPT = uploads.accept(SCAN_TYPES)
CONTENT_TYPES = uploads.content_types(SCAN_TYPES)
_SCAN_MESSAGES = uploads.UploadMessages(
    empty=gettext_lazy("Файл «%(name)s» пуст. Выберите скан документа."),
    extension=gettext_lazy("Скан документа — файл PDF, JPEG или PNG (выбран «%(name)s»)."),
)

Errors = dict[str, list[str]]


class ActError(ValidationError):
    """An external act or a news item cannot be saved; the messages are for the user, in Russian."""


# --- Rules ---------------------------------------------------------------------------------------


def external_act_errors(
    *, requirement: str, adopted_on: date | None, url: str, today: date | None = None
) -> Errors:
    """The rules of an external act, by field (shared by the form and the import)."""
    today = today or timezone.localdate()
    errors: Errors = {}
    if requirement not in RequiredAct.values:
        errors["requirement"] = [_("Выберите документ из списка обязательных.")]
    if adopted_on is None:
        errors["adopted_on"] = [_("Укажите дату принятия документа.")]
    elif adopted_on > today:
        errors["adopted_on"] = [_("Дата принятия документа не может быть в будущем.")]
    if requirement == RequiredAct.WEBSITE and not url.strip():
        errors["url"] = [_("Для раздела «Наставничество» на сайте укажите адрес страницы.")]
    return errors


def external_act_rule_errors(act: ExternalAct, *, today: date | None = None) -> Errors:
    """``external_act_errors`` of a model instance (the import validates rows this way)."""
    return external_act_errors(
        requirement=act.requirement, adopted_on=act.adopted_on, url=act.url or "", today=today
    )


def validate_scan(upload: UploadedFile) -> uploads.FileKind:
    """The kind of a scan (PDF, JPEG or PNG) after checking its size, name and content."""
    try:
        return uploads.check_upload(
            upload, kinds=SCAN_TYPES, max_bytes=MAX_SCAN_BYTES, messages=_SCAN_MESSAGES
        )
    except uploads.UploadError as error:
        raise ActError({"scan": error.messages}) from error


def _scan_errors(scan: UploadedFile | None) -> Errors:
    if scan is None:
        return {}
    try:
        kind = validate_scan(scan)
    except ActError as error:
        return error.message_dict
    scan.name = f"{uuid.uuid4().hex}.{kind.extension}"  # random: a listed or guessed path reveals nothing
    return {}


def _check(act: ExternalAct, scan: UploadedFile | None) -> None:
    """All problems of an act at once, each on its field: the rules, the model's limits, the scan."""
    errors = external_act_rule_errors(act)
    try:
        act.full_clean(exclude=["school", "created_by", "scan", *errors], validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    for name, messages in _scan_errors(scan).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ActError(errors)


def _clean_texts(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


# --- External acts -------------------------------------------------------------------------------


@transaction.atomic
def create_external_act(
    *,
    school: School,
    requirement: str,
    adopted_on: date | None,
    title: str = "",
    number: str = "",
    url: str = "",
    note: str = "",
    scan: UploadedFile | None = None,
    acting_user: User | None,
) -> ExternalAct:
    """Register an act adopted before Nastavnik; it counts in the register from its date."""
    act = ExternalAct(school=school, requirement=requirement, adopted_on=adopted_on, created_by=acting_user)
    for name, value in _clean_texts({"title": title, "number": number, "url": url, "note": note}).items():
        setattr(act, name, value)
    _check(act, scan)
    if scan is not None:
        act.scan = scan
    act.save()
    return act


@transaction.atomic
def update_external_act(
    *,
    act: ExternalAct,
    requirement: str,
    adopted_on: date | None,
    title: str = "",
    number: str = "",
    url: str = "",
    note: str = "",
    scan: UploadedFile | None = None,
    remove_scan: bool = False,
    acting_user: User | None,
) -> ExternalAct:
    """Correct a registered act; a new scan replaces the old one, whose file is deleted."""
    act = ExternalAct.objects.select_for_update().get(pk=act.pk)
    old_scan = act.scan.name if act.scan else ""
    act.requirement, act.adopted_on = requirement, adopted_on
    for name, value in _clean_texts({"title": title, "number": number, "url": url, "note": note}).items():
        setattr(act, name, value)
    _check(act, scan)
    if scan is not None:
        act.scan = scan
    elif remove_scan:
        act.scan = ""
    act.save()
    if old_scan and old_scan != (act.scan.name if act.scan else ""):
        _delete_file_on_commit(old_scan)
    return act


@transaction.atomic
def delete_external_act(*, act: ExternalAct, acting_user: User | None) -> None:
    """Remove a registered act (entered by mistake) together with its scan."""
    act = ExternalAct.objects.select_for_update().get(pk=act.pk)
    old_scan = act.scan.name if act.scan else ""
    act.delete()
    if old_scan:
        _delete_file_on_commit(old_scan)


def _delete_file_on_commit(name: str) -> None:
    """Delete a stored file once the row no longer points to it (never before the commit)."""
    storage = ExternalAct._meta.get_field("scan").storage
    transaction.on_commit(lambda: storage.delete(name))


# --- News ----------------------------------------------------------------------------------------


def news_errors(*, title: str, body: str, published_on: date | None) -> Errors:
    errors: Errors = {}
    if not title.strip():
        errors["title"] = [_("Укажите заголовок новости.")]
    if not body.strip():
        errors["body"] = [_("Напишите текст новости.")]
    if published_on is None:
        errors["published_on"] = [_("Укажите дату публикации.")]
    return errors


@transaction.atomic
def create_news(
    *,
    school: School,
    title: str,
    body: str,
    published_on: date | None,
    is_published: bool = True,
    acting_user: User | None,
) -> SchoolNews:
    """A news item of the public page; a later date publishes it on that day."""
    errors = news_errors(title=title, body=body, published_on=published_on)
    if errors:
        raise ActError(errors)
    return SchoolNews.objects.create(
        school=school,
        title=title.strip(),
        body=body.strip(),
        published_on=published_on,
        is_published=is_published,
        created_by=acting_user,
    )


@transaction.atomic
def update_news(
    *,
    news: SchoolNews,
    title: str,
    body: str,
    published_on: date | None,
    is_published: bool,
    acting_user: User | None,
) -> SchoolNews:
    errors = news_errors(title=title, body=body, published_on=published_on)
    if errors:
        raise ActError(errors)
    news = SchoolNews.objects.select_for_update().get(pk=news.pk)
    news.title, news.body = title.strip(), body.strip()
    news.published_on, news.is_published = published_on, is_published
    news.save(update_fields=["title", "body", "published_on", "is_published"])
    return news


@transaction.atomic
def delete_news(*, news: SchoolNews, acting_user: User | None) -> None:
    SchoolNews.objects.filter(pk=news.pk).delete()
