"""Wording and helpers shared by the kinds: dates, lists, legal references, orders' frame, amendments.

Section bodies are plain text (see ``DocumentSection``): paragraphs are separated by an empty
line, a line starting with «– » is a list item, «1.» / «2.1.» at a paragraph's start is a clause
number. Names of people stay in the nominative case (the product does not decline names), so the
phrases around them are built where the nominative is grammatical: after a colon or a dash, in
parentheses, or as the subject («куратором является …»).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.registry import BuildContext, Section
from programs.models import Document, MentoringSettings, ParticipantKind
from schools.models import Staff
from schools.templatetags.ru import plural_index
from schools.years import school_year_label

# --- Dates and numbers ---------------------------------------------------------------------------

MONTHS_GENITIVE = (
    gettext_lazy("января"),
    gettext_lazy("февраля"),
    gettext_lazy("марта"),
    gettext_lazy("апреля"),
    gettext_lazy("мая"),
    gettext_lazy("июня"),
    gettext_lazy("июля"),
    gettext_lazy("августа"),
    gettext_lazy("сентября"),
    gettext_lazy("октября"),
    gettext_lazy("ноября"),
    gettext_lazy("декабря"),
)
MONTHS_NOMINATIVE = (
    gettext_lazy("январь"),
    gettext_lazy("февраль"),
    gettext_lazy("март"),
    gettext_lazy("апрель"),
    gettext_lazy("май"),
    gettext_lazy("июнь"),
    gettext_lazy("июль"),
    gettext_lazy("август"),
    gettext_lazy("сентябрь"),
    gettext_lazy("октябрь"),
    gettext_lazy("ноябрь"),
    gettext_lazy("декабрь"),
)


def ru_date(day: date | None) -> str:
    """«10.09.2026», the way dates of documents are written in references."""
    return day.strftime("%d.%m.%Y") if day else ""


def day_and_month(day: int, month: int) -> str:
    """«30 июня» — a yearly deadline such as the monitoring date."""
    return f"{day} {MONTHS_GENITIVE[month - 1]}"


def month_label(day: date) -> str:
    """«октябрь 2026 г.» — the month column of a plan."""
    return _("%(month)s %(year)s г.") % {"month": MONTHS_NOMINATIVE[day.month - 1], "year": day.year}


def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 пара», «3 пары», «7 пар»."""
    return f"{n} {(one, few, many)[plural_index(n)]}"


def months_genitive(n: int) -> str:
    """The word after «до N»: «до 1 месяца», «до 12 месяцев»."""
    return _("месяца") if plural_index(n) == 0 else _("месяцев")


def year_label(school_year: int) -> str:
    return school_year_label(school_year)


# --- Text ----------------------------------------------------------------------------------------


def paragraphs(*parts: str) -> str:
    """Join non-empty paragraphs with an empty line between them."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def dashes(items: Iterable[str]) -> str:
    """A dashed list: every item but the last ends with «;», the last one with «.»."""
    items = [str(i).strip().rstrip(";.") for i in items if str(i).strip()]
    return "\n".join(f"– {item}{'.' if n == len(items) else ';'}" for n, item in enumerate(items, start=1))


def intro_with_list(intro: str, items: Sequence[str]) -> str:
    """«Intro:» followed by its dashed list in the same paragraph (the renderer splits the lines)."""
    if not items:
        return intro.rstrip(":") + "."
    return f"{intro}\n{dashes(items)}"


def numbered(clauses: Sequence[str], prefix: str = "") -> str:
    """Clauses «1. …», «2. …» (or «3.1. …» with a prefix «3.»), one paragraph each."""
    return "\n\n".join(f"{prefix}{n}. {text}" for n, text in enumerate(clauses, start=1))


def person(staff: Staff | None) -> dict[str, str]:
    """A row of the «С приказом ознакомлены» table."""
    if staff is None:
        return {}
    return {"name": staff.full_name, "position": staff.position}


def unique_people(rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Everyone once, in the order first named (a person may be named in several clauses)."""
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        if row and row.get("name"):
            seen.setdefault(row["name"], row)
    return list(seen.values())


def name_with_position(staff: Staff) -> str:
    """«Иванова Анна Петровна, заместитель директора по УВР»."""
    return f"{staff.full_name}, {staff.position}" if staff.position else staff.full_name


# --- The school's choices ---------------------------------------------------------------------------


def practised_forms(settings: MentoringSettings) -> list[str]:
    return [f.name for f in settings.forms.order_by("order", "name")]


def practised_role_models(settings: MentoringSettings) -> list[str]:
    return [r.name for r in settings.role_models.order_by("order", "name")]


def practised_kinds(settings: MentoringSettings) -> list[str]:
    return [k.name for k in settings.kinds.order_by("order", "name")]


def whom(settings: MentoringSettings) -> str:
    """Whose mentoring the acts cover: teachers, students or both, after the forms practised."""
    kinds = set(settings.forms.values_list("mentee_kind", flat=True))
    teachers, students = ParticipantKind.STAFF in kinds, ParticipantKind.STUDENT in kinds
    if teachers and not students:
        return _("педагогических работников")
    if students and not teachers:
        return _("обучающихся")
    return _("педагогических работников и обучающихся")


# --- Legal references (checked against the sources of the target model) -------------------------

LAW_EDUCATION = gettext_lazy(
    "Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"
)
GOVERNMENT_3273 = gettext_lazy(
    "распоряжение Правительства Российской Федерации от 31.12.2019 № 3273-р «Об утверждении основных "
    "принципов национальной системы профессионального роста педагогических работников Российской "
    "Федерации, включая национальную систему учительского роста»"
)
MINISTRY_R145 = gettext_lazy(
    "распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 «Об утверждении "
    "методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих "
    "образовательную деятельность по общеобразовательным, дополнительным общеобразовательным и программам "
    "среднего профессионального образования, в том числе с применением лучших практик обмена опытом между "
    "обучающимися»"
)
MINISTRY_MR42 = gettext_lazy(
    "письмо Министерства просвещения Российской Федерации от 23.01.2020 № МР-42/02 (методические "
    "рекомендации по внедрению методологии (целевой модели) наставничества обучающихся)"
)
RECOMMENDATIONS_2021 = gettext_lazy(
    "Методические рекомендации по разработке и внедрению системы (целевой модели) наставничества "
    "педагогических работников в образовательных организациях (письмо Министерства просвещения "
    "Российской Федерации от 21.12.2021 № АЗ-1128/08, Общероссийского Профсоюза образования № 657)"
)

# The same references in the instrumental case, for a preamble «В соответствии с …».
BASIS_INSTRUMENTAL = (
    gettext_lazy("Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"),
    gettext_lazy(
        "распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 «Об утверждении "
        "методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих "
        "образовательную деятельность по общеобразовательным, дополнительным общеобразовательным и "
        "программам среднего профессионального образования, в том числе с применением лучших практик "
        "обмена опытом между обучающимися»"
    ),
    gettext_lazy("письмом Министерства просвещения Российской Федерации от 23.01.2020 № МР-42/02"),
    gettext_lazy(
        "Методическими рекомендациями по разработке и внедрению системы (целевой модели) наставничества "
        "педагогических работников в образовательных организациях (письмо Министерства просвещения "
        "Российской Федерации от 21.12.2021 № АЗ-1128/08, Общероссийского Профсоюза образования № 657)"
    ),
)


def basis_sentence() -> str:
    """«В соответствии с 273-ФЗ, Р-145, МР-42/02 и Методическими рекомендациями 2021 года»."""
    refs = [str(r) for r in BASIS_INSTRUMENTAL]
    return _("В соответствии с %(refs)s") % {"refs": ", ".join(refs[:-1]) + _(" и ") + refs[-1]}


# --- Orders --------------------------------------------------------------------------------------

CONTROL_CLAUSE = gettext_lazy("Контроль за исполнением настоящего приказа оставляю за собой.")


def reference(document: Document) -> str:
    """«от 10.09.2026 № 45-о» — how an approved document is referred to."""
    return _("от %(date)s № %(number)s") % {
        "date": ru_date(document.approved_on),
        "number": document.registration_number,
    }


def order_title(ctx: BuildContext, title: str) -> str:
    """The order's own title, or «О внесении изменений в приказ от … № … «…»» for an amendment."""
    if ctx.amends is None:
        return title
    return _("О внесении изменений в приказ %(ref)s «%(title)s»") % {
        "ref": reference(ctx.amends),
        "title": ctx.amends.title,
    }


def order_sections(ctx: BuildContext, preamble: str, clauses: Sequence[str]) -> list[Section]:
    """The preamble and «ПРИКАЗЫВАЮ:» with numbered clauses; an amendment first states what it changes."""
    clauses = [str(c) for c in clauses]
    if ctx.amends is not None:
        clauses.insert(
            0,
            _("Внести изменения в приказ %(ref)s «%(title)s», изложив его в редакции настоящего приказа.")
            % {"ref": reference(ctx.amends), "title": ctx.amends.title},
        )
    clauses.append(str(CONTROL_CLAUSE))
    return [
        Section(key="preamble", heading="", body=preamble),
        Section(key="clauses", heading=_("ПРИКАЗЫВАЮ:"), body=numbered(clauses)),
    ]


# --- Local acts (approved with «УТВЕРЖДАЮ» or by an order) ----------------------------------------


def act_title(ctx: BuildContext, title: str, accusative: str) -> str:
    """An act's title, or «О внесении изменений в <act> от … № …» for its new edition."""
    if ctx.amends is None:
        return title
    return _("О внесении изменений в %(act)s %(ref)s") % {"act": accusative, "ref": reference(ctx.amends)}


def act_amendment(ctx: BuildContext, accusative: str, approved: str) -> list[Section]:
    """The opening section of a new edition: which act it replaces and from when.

    ``approved`` is the participle that agrees with the act: «утверждённое» (Положение),
    «утверждённую» (дорожную карту), «утверждённые» (формы согласий).
    """
    if ctx.amends is None:
        return []
    return [
        Section(
            key="amendment",
            heading="",
            body=_(
                "Внести изменения в %(act)s, %(approved)s %(ref)s, изложив текст в следующей редакции. "
                "Прежняя редакция утрачивает силу со дня утверждения настоящей редакции."
            )
            % {"act": accusative, "approved": approved, "ref": reference(ctx.amends)},
        )
    ]


def curator_of(ctx: BuildContext) -> Staff | None:
    return ctx.settings.curator
