"""Дорожная карта внедрения целевой модели наставничества: the school's roadmap of the year as an act.

The text is the roadmap page's data (``SchoolRoadmap`` of the document's school year, its seven
stages) printed as a table. Approving the document approves the roadmap itself, so the printed
roadmap and the roadmap page never disagree: a draft whose stages no longer match the page cannot
be approved until it is refreshed.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, Section, register
from programs.models import Document, DocumentKind, RegistrationSeries, RoadmapStatus, SchoolRoadmap
from programs.services.documents import DocumentError
from schools.models import School, User

ACCUSATIVE = gettext_lazy("дорожную карту внедрения целевой модели наставничества")


def roadmap_for(school: School, school_year: int) -> SchoolRoadmap | None:
    return SchoolRoadmap.objects.filter(school=school, school_year=school_year).first()


def stage_rows(roadmap: SchoolRoadmap) -> list[dict[str, str]]:
    """The stages as plain data: what the document prints and what approval compares with the page."""
    return [
        {
            "order": str(stage.order),
            "title": stage.title,
            "start": common.ru_date(stage.start_date),
            "end": common.ru_date(stage.end_date),
            "activities": stage.activities,
            "documents": stage.documents,
            "responsible": stage.responsible,
        }
        for stage in roadmap.stages.order_by("order")
    ]


def _lines(text: str) -> str:
    """Each line of a stage's list as a dashed line inside a table cell."""
    return "\n".join(f"– {line.strip()}" for line in text.splitlines() if line.strip())


def stages_table(rows: list[dict[str, str]]) -> dict[str, object]:
    return {
        "key": "stages",
        "title": _("Этапы внедрения целевой модели наставничества"),
        "columns": [_("№"), _("Этап"), _("Сроки"), _("Мероприятия"), _("Документы"), _("Ответственный")],
        "widths": [5, 17, 13, 33, 20, 12],
        "rows": [
            [
                row["order"],
                row["title"],
                _("с %(start)s\nпо %(end)s") % {"start": row["start"], "end": row["end"]},
                _lines(row["activities"]),
                _lines(row["documents"]),
                row["responsible"],
            ]
            for row in rows
        ],
    }


@register
class Roadmap(DocumentType):
    kind = DocumentKind.ROADMAP
    series = RegistrationSeries.ACTS
    stamp = "approve"

    def build(self, ctx: BuildContext) -> Built:
        roadmap = roadmap_for(ctx.school, ctx.school_year)
        year = common.year_label(ctx.school_year)
        if roadmap is None:
            raise DocumentError(
                _(
                    "Дорожной карты на %(year)s учебный год ещё нет: сначала создайте её в разделе «Дорожная "
                    "карта», затем подготовьте документ."
                )
                % {"year": year}
            )
        rows = stage_rows(roadmap)
        school = ctx.school.short_name
        start = min((s.start_date for s in roadmap.stages.all()), default=None)
        end = max((s.end_date for s in roadmap.stages.all()), default=None)
        intro = common.paragraphs(
            _(
                "1. Дорожная карта определяет этапы, сроки, мероприятия, документы и ответственных за внедрение "
                "целевой модели наставничества в %(school)s в %(year)s учебном году (с %(start)s по %(end)s)."
            )
            % {"school": school, "year": year, "start": common.ru_date(start), "end": common.ru_date(end)},
            _(
                "2. Этапы и их содержание приведены в приложении. Выполнение этапов отслеживает куратор "
                "наставничества; статус этапов, которые подтверждаются данными (базы наставляемых и наставников, "
                "закрепление пар, работа пар), определяется по этим данным."
            ),
            _(
                "3. Изменение сроков или содержания этапов после утверждения оформляется новой редакцией "
                "дорожной карты."
            ),
        )
        sections = [
            *common.act_amendment(ctx, str(ACCUSATIVE), _("утверждённую")),
            Section("general", "", intro),
        ]
        title = common.act_title(
            ctx,
            _("Дорожная карта внедрения целевой модели наставничества в %(school)s на %(year)s учебный год")
            % {"school": school, "year": year},
            str(ACCUSATIVE),
        )
        payload = {
            "roadmap": {"id": roadmap.pk, "school_year": roadmap.school_year, "stages": rows},
            "appendices": [stages_table(rows)],
        }
        return Built(title=title, sections=sections, payload=payload)

    def approval_errors(self, document: Document) -> list[str]:
        stored = document.payload.get("roadmap") or {}
        roadmap = SchoolRoadmap.objects.filter(pk=stored.get("id"), school=document.school).first()
        if roadmap is None:
            return [_("Дорожной карты, по которой подготовлен документ, больше нет: обновите документ.")]
        if stage_rows(roadmap) != stored.get("stages"):
            return [
                _(
                    "Этапы дорожной карты изменены после подготовки документа: обновите документ по данным, "
                    "чтобы утверждённый текст совпадал с дорожной картой."
                )
            ]
        return []

    def apply(self, document: Document, acting_user: User) -> None:
        """The roadmap page shows the roadmap approved from now on (its stages freeze)."""
        roadmap = SchoolRoadmap.objects.select_for_update().get(pk=document.payload["roadmap"]["id"])
        if roadmap.status != RoadmapStatus.APPROVED:
            roadmap.status = RoadmapStatus.APPROVED
            roadmap.decided_by = acting_user
            roadmap.decided_at = timezone.now()
            roadmap.save(update_fields=["status", "decided_by", "decided_at"])
