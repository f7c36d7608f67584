"""What the public page «Наставничество» of a school shows to anyone, without login.

The page is the school's section «Наставничество» of its website (one of the seven required items
of the municipal monitoring). It publishes only what is meant for publication, and no personal data
beyond names and positions:

- the approved documents marked public (the Regulation, the roadmap, the orders the curator chose to
  publish), with their number and date — drafts, documents on approval and unpublished orders never;
- the active mentor base: name, position (with the organisation for a partner's representative),
  subjects, qualification category and the areas of competence. Never an e-mail, a phone, a birth
  year, the experience, an address or the questionnaire. Students who mentor younger students are
  not listed: they may be children;
- best practices: the program's title and form, the mentor's name (not when the mentor is a
  student), the published summary and the period. Mentees are never named — they may be children;
- the published news (a news item dated later appears on its day).

Every read takes only the public columns (``values()``), inside the scope of the one school opened
by ``schools.tenancy.public_school_scope``; the page costs a fixed number of queries whatever the
size of the school. A school that switched the page off (``public_page_enabled``) has no page: 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.db.models.functions import Coalesce

from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    MentorCompetency,
    MentoringSettings,
    MentorProfile,
    ParticipantKind,
    PersonalizedProgram,
    SchoolNews,
)
from schools.models import EmploymentStatus, QualificationCategory, School

NEWS_ON_PAGE = 10


@dataclass(frozen=True)
class PublicMentor:
    name: str
    position: str
    subjects: str
    category: str  # the label of a qualification category; "" when none or not a teacher
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicPractice:
    title: str
    form: str
    mentor: str  # "" when the mentor is a student
    summary: str
    start: date
    end: date


@dataclass
class PublicPage:
    school: School
    intro: str
    documents: list[dict] = field(default_factory=list)
    mentors: list[PublicMentor] = field(default_factory=list)
    practices: list[PublicPractice] = field(default_factory=list)
    news: list[dict] = field(default_factory=list)


def _settings(school: School) -> dict | None:
    return (
        MentoringSettings.objects.filter(school=school).values("public_page_enabled", "public_intro").first()
    )


def public_page_enabled(school: School) -> bool:
    """Whether the school's page is open; a school that never saved its settings has the default (open)."""
    found = _settings(school)
    return True if found is None else found["public_page_enabled"]


def _full_name(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def public_documents(school: School, today: date) -> list[dict]:
    """Approved public documents, grouped by kind in the order of the kinds, the latest first."""
    rows = list(
        Document.objects.filter(
            school=school, status=DocumentStatus.APPROVED, is_public=True, approved_on__lte=today
        ).values("pk", "kind", "title", "registration_number", "approved_on")
    )
    order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    rows.sort(key=lambda r: (order.get(r["kind"], 99), -r["approved_on"].toordinal(), -r["pk"]))
    for row in rows:
        row["kind_label"] = DocumentKind(row["kind"]).label
    return rows


def public_document(school: School, pk: int, today: date) -> Document | None:
    """One approved public document (for its PDF), or None."""
    return Document.objects.filter(
        school=school, pk=pk, status=DocumentStatus.APPROVED, is_public=True, approved_on__lte=today
    ).first()


_MENTOR_COLUMNS = (
    "pk",
    "subjects",
    "participant__kind",
    "participant__staff__last_name",
    "participant__staff__first_name",
    "participant__staff__patronymic",
    "participant__staff__position",
    "participant__staff__subjects",
    "participant__staff__qualification_category",
    "participant__partner_representative__last_name",
    "participant__partner_representative__first_name",
    "participant__partner_representative__patronymic",
    "participant__partner_representative__position",
    "participant__partner_representative__organization__name",
)


def public_mentors(school: School) -> list[PublicMentor]:
    """The active mentor base: teachers at work and partners' representatives (two queries)."""
    rows = list(
        MentorProfile.objects.filter(school=school, is_active=True)
        .filter(
            Q(
                participant__kind=ParticipantKind.STAFF,
                participant__staff__employment_status=EmploymentStatus.WORKS,
            )
            | Q(participant__kind=ParticipantKind.PARTNER)
        )
        .order_by(
            Coalesce("participant__staff__last_name", "participant__partner_representative__last_name"),
            Coalesce("participant__staff__first_name", "participant__partner_representative__first_name"),
            "pk",
        )
        .values(*_MENTOR_COLUMNS)
    )
    areas: dict[int, list[str]] = defaultdict(list)
    competencies = (
        MentorCompetency.objects.filter(profile_id__in=[r["pk"] for r in rows])
        .order_by("area__order", "area__name")
        .values_list("profile_id", "area__name")
    )
    for profile_id, area in competencies:
        areas[profile_id].append(area)

    mentors = []
    for row in rows:
        if row["participant__kind"] == ParticipantKind.STAFF:
            name = _full_name(
                row["participant__staff__last_name"],
                row["participant__staff__first_name"],
                row["participant__staff__patronymic"],
            )
            position = row["participant__staff__position"] or ""
            category = row["participant__staff__qualification_category"]
            category_label = (
                str(QualificationCategory(category).label)
                if category and category != QualificationCategory.NONE
                else ""
            )
            subjects = row["subjects"] or row["participant__staff__subjects"] or ""
        else:
            name = _full_name(
                row["participant__partner_representative__last_name"],
                row["participant__partner_representative__first_name"],
                row["participant__partner_representative__patronymic"],
            )
            organization = row["participant__partner_representative__organization__name"] or ""
            position = ", ".join(
                p for p in (row["participant__partner_representative__position"], organization) if p
            )
            category_label = ""
            subjects = row["subjects"] or ""
        mentors.append(
            PublicMentor(
                name=name,
                position=position,
                subjects=subjects,
                category=category_label,
                areas=tuple(areas.get(row["pk"], ())),
            )
        )
    return mentors


def public_practices(school: School) -> list[PublicPractice]:
    """Completed programs the curator marked as best practices, the latest marked first."""
    rows = (
        PersonalizedProgram.objects.filter(school=school, is_best_practice=True)
        .order_by("-best_practice_marked_at", "-pk")
        .values(
            "title",
            "pair__form__name",
            "start_date",
            "end_date",
            "ended_on",
            "best_practice_summary",
            "pair__mentor__kind",
            "pair__mentor__staff__last_name",
            "pair__mentor__staff__first_name",
            "pair__mentor__staff__patronymic",
            "pair__mentor__partner_representative__last_name",
            "pair__mentor__partner_representative__first_name",
            "pair__mentor__partner_representative__patronymic",
        )
    )
    practices = []
    for row in rows:
        kind = row["pair__mentor__kind"]
        prefix = {ParticipantKind.STAFF: "staff", ParticipantKind.PARTNER: "partner_representative"}.get(kind)
        mentor = ""
        if prefix:
            mentor = _full_name(
                *(row[f"pair__mentor__{prefix}__{p}"] for p in ("last_name", "first_name", "patronymic"))
            )
        practices.append(
            PublicPractice(
                title=row["title"],
                form=row["pair__form__name"] or "",
                mentor=mentor,
                summary=row["best_practice_summary"],
                start=row["start_date"],
                end=row["ended_on"] or row["end_date"],
            )
        )
    return practices


def _published_news(school: School, today: date):
    return SchoolNews.objects.filter(school=school, is_published=True, published_on__lte=today).order_by(
        "-published_on", "-pk"
    )


def public_news(school: School, today: date, limit: int | None = NEWS_ON_PAGE) -> list[dict]:
    news = _published_news(school, today).values("pk", "title", "published_on", "body")
    return list(news[:limit] if limit else news)


def public_news_item(school: School, pk: int, today: date) -> dict | None:
    return _published_news(school, today).filter(pk=pk).values("pk", "title", "published_on", "body").first()


def public_page(school: School, today: date) -> PublicPage | None:
    """Everything the page shows, or None when the school switched its page off (six queries)."""
    found = _settings(school)
    if found is not None and not found["public_page_enabled"]:
        return None
    return PublicPage(
        school=school,
        intro=found["public_intro"] if found else "",
        documents=public_documents(school, today),
        mentors=public_mentors(school),
        practices=public_practices(school),
        news=public_news(school, today),
    )
