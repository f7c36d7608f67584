"""Приказ о закреплении наставнических пар (групп): approving it fixes every pair it lists.

Only pairs whose consents are complete (status «согласия собраны») can be listed; the appendix is
a table of the pairs (mentor, mentees, form, period, the mentor's pay supplement when the school
sets one) and the order ends with a «С приказом ознакомлены» table of everyone named in it.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.registry import BuildContext, Built, DocumentType, Section, register
from programs.models import Document, DocumentKind, MentoringPair, PairStatus, RegistrationSeries
from programs.selectors_pairs import pair_queryset
from programs.services import pairs as pair_service
from schools.models import School, User
from schools.templatetags.ru import plural_index
from schools.years import school_year_label


def candidate_pairs(school: School):
    """Pairs that may be fixed by an order: all consents are in hand, not fixed yet."""
    return pair_queryset().filter(school=school, status=PairStatus.CONSENTS).order_by("start_date", "pk")


def kept_pairs(amended: Document) -> list[MentoringPair]:
    """The pairs of the amended order's appendix that are still fixed or working."""
    ids = [row["pair_id"] for row in amended.payload.get("pairs", []) if row.get("pair_id")]
    found = pair_queryset().filter(
        school=amended.school_id, pk__in=ids, status__in=(PairStatus.FIXED, PairStatus.ACTIVE)
    )
    by_id = {pair.pk: pair for pair in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _date(day) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def pair_row(pair: MentoringPair, supplement: str) -> dict[str, object]:
    mentees = [link.mentee for link in pair.mentee_links.all()]
    return {
        "pair_id": pair.pk,
        "mentor": pair.mentor.full_name,
        "mentor_position": pair.mentor.description,
        "mentees": [{"name": m.full_name, "position": m.description} for m in mentees],
        "form": pair.form.name,
        "kind": pair.kind.name,
        "role_model": pair.role_model.name if pair.role_model_id else "",
        "start": _date(pair.start_date),
        "end": _date(pair.planned_end_date),
        "pay_supplement": supplement,
        "is_group": len(mentees) > 1,
    }


def appendix_table(rows: list[dict], *, with_supplement: bool) -> dict[str, object]:
    """The appendix as a generic table (see programs/documents/registry.py for the shape)."""
    columns = [_("№ п/п"), _("Наставник"), _("Наставляемый (наставляемые)"), _("Форма, вид"), _("Срок")]
    widths = [6, 26, 30, 20, 18]
    if with_supplement:
        columns.append(_("Доплата"))
        widths = [6, 23, 27, 18, 14, 12]
    table_rows = []
    for n, row in enumerate(rows, start=1):
        cells = [
            str(n),
            f"{row['mentor']}\n{row['mentor_position']}",
            "\n".join(f"{m['name']}, {m['position']}" for m in row["mentees"]),
            f"{row['form']}\n{row['kind']}",
            _("с %(start)s\nпо %(end)s") % {"start": row["start"], "end": row["end"]},
        ]
        if with_supplement:
            cells.append(str(row["pay_supplement"]))
        table_rows.append(cells)
    return {
        "key": "pairs",
        "title": _("Состав наставнических пар (групп)"),
        "columns": columns,
        "widths": widths,
        "rows": table_rows,
    }


def acquaintance_rows(rows: list[dict[str, object]]) -> list[dict[str, str]]:
    """Everyone named in the appendix, once each, for the «С приказом ознакомлены» table."""
    # Namesakes are different people when their positions differ: each signs on their own line.
    seen: dict[tuple[str, str], None] = {}
    for row in rows:
        seen.setdefault((str(row["mentor"]), str(row["mentor_position"])))
        for mentee in row["mentees"]:  # type: ignore[attr-defined]
            seen.setdefault((mentee["name"], mentee["position"]))
    return [{"name": name, "position": position} for name, position in seen]


@register
class OrderPairs(DocumentType):
    kind = DocumentKind.ORDER_PAIRS
    series = RegistrationSeries.ORDERS
    stamp = "order"
    appendix = "pairs"
    # Mentees are often children: the order on pairs is not published unless the curator decides so.
    default_public = False

    def options_form(self, school: School, school_year: int) -> type[forms.Form]:
        queryset = candidate_pairs(school)

        class PairsOptions(forms.Form):
            pairs = forms.ModelMultipleChoiceField(
                label=gettext_lazy("Пары и группы"),
                queryset=queryset,
                required=True,
                error_messages={
                    "required": gettext_lazy(
                        "Выберите хотя бы одну пару: в приказ включаются пары, по которым собраны все согласия."
                    ),
                    "invalid_choice": gettext_lazy(
                        "Пара № %(value)s не может войти в приказ: согласия не собраны или она уже закреплена."
                    ),
                    "invalid_pk_value": gettext_lazy("«%(pk)s» — не номер пары."),
                },
                widget=forms.CheckboxSelectMultiple,
            )

        return PairsOptions

    def build(self, ctx: BuildContext) -> Built:
        supplement = ctx.settings.pay_supplement
        pairs = list(ctx.options["pairs"])
        # An amending order restates the whole appendix: the earlier order's pairs that still work
        # stay in it (they are fixed already, so approval leaves them as they are), new ones follow.
        kept = kept_pairs(ctx.amends) if ctx.amends is not None else []
        rows = [pair_row(pair, supplement) for pair in [*kept, *pairs]]
        year = school_year_label(ctx.school_year)
        school_name = ctx.school.short_name
        sections = []
        if ctx.amends is not None:
            title = _(
                "О внесении изменений в приказ от %(date)s № %(number)s «О закреплении наставнических пар (групп)»"
            ) % {
                "date": _date(ctx.amends.approved_on),
                "number": ctx.amends.registration_number,
            }
        else:
            title = _("О закреплении наставнических пар (групп) на %(year)s учебный год") % {"year": year}
        sections.append(
            Section(
                key="preamble",
                heading="",
                body=_(
                    "В соответствии с Положением о системе наставничества педагогических работников и "
                    "обучающихся %(school)s, на основании письменных согласий участников наставничества "
                    "(законных представителей несовершеннолетних обучающихся) и в целях реализации "
                    "целевой модели наставничества в %(year)s учебном году"
                )
                % {"school": school_name, "year": year},
            )
        )
        clauses = [
            _(
                "Закрепить наставнические пары (группы) в составе согласно приложению к настоящему приказу, "
                "всего %(count)s, на указанные в нём сроки."
            )
            % {"count": _pairs_count(len(rows))},
            _(
                "Наставникам организовать работу с наставляемыми по персонализированным программам "
                "наставничества, вести журнал мероприятий и представить отчёт по окончании программы."
            ),
        ]
        if supplement:
            clauses.append(
                _("Установить наставникам, указанным в приложении, доплату за наставничество: %(amount)s.")
                % {"amount": supplement}
            )
        curator = ctx.settings.curator
        if curator is not None:
            clauses.append(
                _(
                    "Обеспечить сопровождение пар и мониторинг их работы. Ответственный — куратор наставничества %(name)s."
                )
                % {"name": curator.full_name}
            )
        if ctx.amends is not None:
            clauses.insert(
                0,
                _(
                    "Изложить приложение к приказу от %(date)s № %(number)s в редакции приложения к настоящему приказу."
                )
                % {"date": _date(ctx.amends.approved_on), "number": ctx.amends.registration_number},
            )
        clauses.append(_("Контроль за исполнением настоящего приказа оставляю за собой."))
        sections.append(
            Section(
                key="clauses",
                heading=_("ПРИКАЗЫВАЮ:"),
                body="\n\n".join(f"{n}. {text}" for n, text in enumerate(clauses, start=1)),
            )
        )
        payload = {
            "pairs": rows,
            "pay_supplement": supplement,
            "appendices": [appendix_table(rows, with_supplement=bool(supplement))],
            "acquainted": acquaintance_rows(rows),
        }
        return Built(title=title, sections=sections, payload=payload, pairs=[(p, supplement) for p in pairs])

    def approval_errors(self, document: Document) -> list[str]:
        errors = []
        rows = list(document.pair_rows.select_related("pair"))
        if not rows:
            errors.append(_("В приказе нет ни одной пары."))
        for row in rows:
            if row.pair.status != PairStatus.CONSENTS:
                errors.append(
                    _("Пара № %(pk)s уже не ждёт приказа (сейчас: %(status)s): обновите документ по данным.")
                    % {"pk": row.pair_id, "status": PairStatus(row.pair.status).label}
                )
        return errors

    def apply(self, document: Document, acting_user: User) -> None:
        """Every listed pair becomes fixed by this order from its date (all or none)."""
        for row in document.pair_rows.select_related("pair").order_by("order"):
            try:
                pair_service.fix_by_order(
                    row.pair,
                    order_number=document.registration_number,
                    order_date=document.approved_on,
                    acting_user=acting_user,
                )
            except pair_service.PairError as error:
                from programs.services.documents import DocumentError

                raise DocumentError(
                    _("Пара № %(pk)s: %(error)s") % {"pk": row.pair_id, "error": "; ".join(error.messages)}
                ) from error


def _pairs_count(n: int) -> str:
    forms = (_("пара (группа)"), _("пары (группы)"), _("пар (групп)"))
    return f"{n} {forms[plural_index(n)]}"
