"""Приказ об утверждении реестра наставников: the mentor registry of the school year, approved by order.

The appendix lists the registry's mentors (name, position, experience, competencies, training).
Approving the order approves the registry itself (the registry page shows it approved and it
freezes); a registry changed after the draft must be refreshed into the order first.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, register
from programs.models import (
    Document,
    DocumentKind,
    MentorCompetency,
    MentorProfile,
    MentorRegistry,
    RegistrationSeries,
    TrainingStatus,
)
from programs.services.documents import DocumentError
from schools.models import User
from schools.templatetags.ru import plural_index

MENTOR_RELATED = (
    "participant__staff",
    "participant__student",
    "participant__partner_representative__organization",
)


def registry_mentors(registry: MentorRegistry) -> list[MentorProfile]:
    """The registry's mentors by surname, with their competencies (three queries)."""
    surname = Coalesce(
        "participant__staff__last_name",
        "participant__student__last_name",
        "participant__partner_representative__last_name",
    )
    return list(
        registry.mentors.select_related(*MENTOR_RELATED)
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=MentorCompetency.objects.select_related("area").order_by(
                    "area__order", "area__name"
                ),
            )
        )
        .order_by(surname.asc(), "pk")
    )


def _experience(profile: MentorProfile) -> str:
    staff = profile.participant.staff
    if staff is None:
        return "—"
    n = staff.experience_years
    return f"{n} {(_('год'), _('года'), _('лет'))[plural_index(n)]}"


def _competencies(profile: MentorProfile) -> str:
    lines = [f"{c.area.name} ({c.get_level_display()})" for c in profile.competencies.all()]
    if profile.subjects:
        lines.insert(0, profile.subjects)
    return "\n".join(lines) or "—"


def _training(profile: MentorProfile) -> str:
    label = str(TrainingStatus(profile.training_status).label)
    if profile.course_completed_on:
        label += _(", курс окончен %(date)s") % {"date": common.ru_date(profile.course_completed_on)}
    return label


def mentor_row(profile: MentorProfile) -> dict[str, str | int]:
    return {
        "profile_id": profile.pk,
        "name": profile.participant.full_name,
        "position": profile.participant.description,
        "experience": _experience(profile),
        "competencies": _competencies(profile),
        "training": _training(profile),
    }


def registry_table(rows: list[dict]) -> dict[str, object]:
    return {
        "key": "mentors",
        "title": _("Реестр наставников"),
        "columns": [
            _("№ п/п"),
            _("Фамилия, имя, отчество"),
            _("Должность"),
            _("Педагогический стаж"),
            _("Компетенции, направления"),
            _("Обучение наставников"),
        ],
        "widths": [6, 22, 18, 10, 26, 18],
        "rows": [
            [str(n), r["name"], r["position"], r["experience"], r["competencies"], r["training"]]
            for n, r in enumerate(rows, start=1)
        ],
    }


@register
class OrderRegistry(DocumentType):
    kind = DocumentKind.ORDER_REGISTRY
    series = RegistrationSeries.ORDERS
    stamp = "order"
    # The table carries experience and training of named teachers: published only if the school decides.
    default_public = False

    def build(self, ctx: BuildContext) -> Built:
        year = common.year_label(ctx.school_year)
        registry = MentorRegistry.objects.filter(school=ctx.school, school_year=ctx.school_year).first()
        if registry is None:
            raise DocumentError(
                _(
                    "Реестра наставников на %(year)s учебный год ещё нет: составьте его в разделе «База "
                    "наставников» → «Реестр», затем подготовьте приказ."
                )
                % {"year": year}
            )
        profiles = registry_mentors(registry)
        if not profiles:
            raise DocumentError(
                _(
                    "В реестре наставников на %(year)s учебный год нет ни одного наставника: включите их в реестр."
                )
                % {"year": year}
            )
        rows = [mentor_row(p) for p in profiles]
        school = ctx.school.short_name
        curator = common.curator_of(ctx)
        preamble = _(
            "В соответствии с Положением о системе наставничества %(school)s, на основании письменных согласий "
            "педагогических работников на участие в наставничестве и в целях формирования базы наставников "
            "на %(year)s учебный год"
        ) % {"school": school, "year": year}
        who = (
            _("Куратору наставничества (%(name)s)") % {"name": curator.full_name}
            if curator is not None
            else _("Куратору наставничества")
        )
        clauses = [
            _("Утвердить реестр наставников %(school)s на %(year)s учебный год (приложение) — %(count)s.")
            % {
                "school": school,
                "year": year,
                "count": common.plural(len(rows), _("наставник"), _("наставника"), _("наставников")),
            },
            _(
                "%(who)s формировать наставнические пары (группы) из числа наставников, включённых в реестр, "
                "с учётом их компетенций и допустимой нагрузки, организовать их обучение."
            )
            % {"who": who},
            _(
                "Наставникам, включённым в реестр, участвовать в разработке и реализации персонализированных "
                "программ наставничества, повышать свою квалификацию по направлению «Наставничество»."
            ),
        ]
        title = common.order_title(
            ctx, _("Об утверждении реестра наставников на %(year)s учебный год") % {"year": year}
        )
        payload = {
            "registry": {"id": registry.pk, "profile_ids": [p.pk for p in profiles]},
            "mentors": rows,
            "appendices": [registry_table(rows)],
            "acquainted": common.unique_people(
                [*({"name": r["name"], "position": r["position"]} for r in rows), common.person(curator)]
            ),
        }
        return Built(title=title, sections=common.order_sections(ctx, preamble, clauses), payload=payload)

    def approval_errors(self, document: Document) -> list[str]:
        stored = document.payload.get("registry") or {}
        registry = MentorRegistry.objects.filter(pk=stored.get("id"), school=document.school).first()
        if registry is None:
            return [_("Реестра наставников, по которому подготовлен приказ, больше нет: обновите приказ.")]
        current = sorted(registry.mentors.values_list("pk", flat=True))
        if not current:
            return [_("В реестре наставников нет ни одного наставника.")]
        if current != sorted(stored.get("profile_ids", [])):
            return [_("Состав реестра изменён после подготовки приказа: обновите приказ по данным.")]
        return []

    def apply(self, document: Document, acting_user: User) -> None:
        """The registry page shows the registry approved from now on (its list freezes)."""
        registry = MentorRegistry.objects.select_for_update().get(pk=document.payload["registry"]["id"])
        if registry.status != MentorRegistry.Status.APPROVED:
            registry.status = MentorRegistry.Status.APPROVED
            registry.decided_by = acting_user
            registry.decided_at = timezone.now()
            registry.save(update_fields=["status", "decided_by", "decided_at"])
