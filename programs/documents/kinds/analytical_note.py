"""Аналитическая справка о реализации целевой модели наставничества: the school's yearly note.

The figures are the school's monitoring indicators (``programs.documents.figures.note_figures``,
the same numbers as the monitoring report); the analysis is the
curator's: the SWOT sections and the management decisions start with a bracketed prompt that the
curator replaces, and a note that still carries a prompt cannot be sent to the director. The note
is internal (it goes to the municipal monitoring, not to the website).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.report_render import DASH
from programs.documents.figures import note_figures
from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, Section, register
from programs.models import Document, DocumentKind, RegistrationSeries

ACCUSATIVE = gettext_lazy("аналитическую справку")
# A prompt is a bracketed text beginning with this marker; submitting is refused while one is left.
PROMPT_MARKER = gettext_lazy("[Заполняет куратор:")


def prompt(text: str) -> str:
    return f"{PROMPT_MARKER} {text}]"


def _value(share: str | None) -> str:
    return _("нет данных") if share is None else f"{share.replace('.', ',')} %"


def _with_share(count: str, share: str) -> str:
    return count if share == DASH else f"{count} ({share} %)"


def indicator_rows(f: dict) -> list[list[str]]:
    """The appendix: the school's monitoring tables as one numbered list of indicators."""
    rows: list[tuple[str, str, str]] = []
    for table in f["tables"]:
        if table["key"] in ("table3", "participation"):  # indicator, unit, value
            rows.extend((label, unit, value) for label, unit, value in table["rows"])
        elif table["key"] == "table4":  # forms: form, pairs
            rows.extend(
                (_("Пар (групп) по форме «%(form)s»") % {"form": form}, str(_("ед.")), pairs)
                for form, pairs in table["rows"]
            )
        else:  # programs: form, in work, done, done %, not done, not done %
            for form, cohort, done, done_share, not_done, not_done_share in table["rows"]:
                label = str(_("всего")) if form == str(_("Всего")) else form
                rows.extend(
                    [
                        (
                            _("Программ в работе в периоде (%(form)s)") % {"form": label},
                            str(_("ед.")),
                            cohort,
                        ),
                        (_("из них завершено"), str(_("ед.")), _with_share(done, done_share)),
                        (_("не завершено"), str(_("ед.")), _with_share(not_done, not_done_share)),
                    ]
                )
    rows.append((_("Лучших практик"), str(_("ед.")), str(f["best_practices"])))
    return [[str(n), str(label), unit, str(value)] for n, (label, unit, value) in enumerate(rows, start=1)]


@register
class AnalyticalNote(DocumentType):
    kind = DocumentKind.ANALYTICAL_NOTE
    series = RegistrationSeries.ACTS
    stamp = "approve"
    may_be_public = False
    default_public = False

    def build(self, ctx: BuildContext) -> Built:
        f = note_figures(ctx.school, ctx.school_year)
        v = f["values"]
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        deadline = common.day_and_month(ctx.settings.monitoring_day, ctx.settings.monitoring_month)
        as_of = date.fromisoformat(f["as_of"]).strftime("%d.%m.%Y")

        general = common.paragraphs(
            _(
                "1.1. Справка подготовлена по итогам внутреннего мониторинга реализации целевой модели "
                "наставничества в %(school)s в %(year)s учебном году (срок мониторинга — не позднее %(deadline)s)."
            )
            % {"school": school, "year": year, "deadline": deadline},
            _(
                "1.2. Источник количественных данных — информационная система «Наставник» (базы наставников и "
                "наставляемых, наставнические пары, персонализированные программы, реестр локальных актов) по "
                "состоянию на %(as_of)s. Показатели рассчитаны по правилам мониторинга муниципалитета и сведены "
                "в таблицу приложения."
            )
            % {"as_of": as_of},
        )
        forms = [
            _("%(name)s — %(pairs)s")
            % {"name": x["name"], "pairs": common.plural(x["pairs"], _("пара"), _("пары"), _("пар"))}
            for x in f["forms"]
        ]
        # «Label: number» everywhere: a number never has to agree with the noun before it.
        figures = common.paragraphs(
            _(
                "2.1. Педагогических работников: %(staff)s, из них молодых педагогов (стаж от 0 до 3 лет): "
                "%(young)s, в том числе в возрасте до 35 лет: %(under_35)s. Молодых педагогов — наставляемых: "
                "%(young_mentees)s (охват: %(share)s)."
            )
            % {
                "staff": v.get("teachers", 0),
                "young": v.get("young_teachers", 0),
                "under_35": v.get("young_teachers_under_35", 0),
                "young_mentees": v.get("young_mentees", 0),
                "share": _value(v.get("young_coverage")),
            },
            _("2.2. Наставников в базе: %(mentors)s; из них прошли обучение: %(trained)s (%(share)s).")
            % {
                "mentors": v.get("mentor_base", 0),
                "trained": v.get("mentors_trained", 0),
                "share": _value(v.get("mentors_trained_share")),
            },
            _(
                "2.3. Наставнических пар (групп), закреплённых приказом, в учебном году: %(pairs)s, в том числе "
                "групп: %(groups)s; ещё не закреплены приказом: %(unfixed)s."
            )
            % {"pairs": v.get("pairs", 0), "groups": v.get("groups", 0), "unfixed": f["unfixed_pairs"]},
            _(
                "2.4. Персонализированных программ в работе в учебном году: %(total)s; из них завершено — "
                "%(done)s, не завершено — %(not_done)s, в том числе прекращено досрочно — %(ended)s; доля "
                "завершённых — %(share)s; признаны лучшими практиками — %(best)s."
            )
            % {
                "total": v.get("programs_cohort", 0),
                "done": v.get("programs_done", 0),
                "not_done": v.get("programs_not_done", 0),
                "ended": v.get("programs_ended_early", 0),
                "share": _value(v.get("completion_rate")),
                "best": f["best_practices"],
            },
            common.intro_with_list(_("2.5. Формы наставничества в парах учебного года:"), forms)
            if forms
            else "",
        )
        if f["end_reasons"]:
            reasons = common.intro_with_list(
                _("7.1. Персонализированные программы прекращены досрочно по следующим причинам:"),
                [
                    _("%(label)s (%(form)s) — %(count)s")
                    % {
                        "label": r["label"],
                        "form": r["form"],
                        "count": common.plural(r["count"], _("программа"), _("программы"), _("программ")),
                    }
                    for r in f["end_reasons"]
                ],
            )
        else:
            reasons = _("7.1. Досрочно прекращённых программ в учебном году нет.")
        sections = [
            *common.act_amendment(ctx, str(ACCUSATIVE), _("утверждённую")),
            Section("general", _("1. Общие сведения"), general),
            Section("figures", _("2. Количественные показатели"), figures),
            Section(
                "strengths",
                _("3. Сильные стороны"),
                prompt(_("что в реализации программы наставничества получилось лучше всего и почему.")),
            ),
            Section(
                "weaknesses",
                _("4. Слабые стороны"),
                prompt(
                    _("какие мероприятия не выполнены или выполнены не в полной мере, с какими трудностями.")
                ),
            ),
            Section(
                "opportunities",
                _("5. Возможности"),
                prompt(_("какие ресурсы, партнёры и форматы можно использовать в следующем учебном году.")),
            ),
            Section(
                "threats",
                _("6. Угрозы"),
                prompt(
                    _("какие риски могут помешать реализации программы (кадровые, организационные и др.).")
                ),
            ),
            Section(
                "reasons",
                _("7. Причины невыполнения программ"),
                common.paragraphs(
                    reasons,
                    prompt(
                        _(
                            "дополните причины, которые данные системы не отражают (перегрузка, обучение и др.)."
                        )
                    ),
                ),
            ),
            Section(
                "decisions",
                _("8. Управленческие решения"),
                prompt(
                    _(
                        "решения по итогам мониторинга: продолжить реализацию программы, скорректировать дорожную "
                        "карту, организовать обучение наставников, поощрить участников и т. п."
                    )
                ),
            ),
        ]
        title = common.act_title(
            ctx,
            _(
                "Аналитическая справка о реализации целевой модели наставничества в %(school)s в %(year)s "
                "учебном году"
            )
            % {"school": school, "year": year},
            str(ACCUSATIVE),
        )
        payload = {
            "figures": f,
            "appendices": [
                {
                    "key": "indicators",
                    "title": _("Показатели реализации целевой модели наставничества"),
                    "columns": [_("№ п/п"), _("Показатель"), _("Ед."), _("Значение")],
                    "widths": [8, 64, 10, 18],
                    "rows": indicator_rows(f),
                }
            ],
        }
        return Built(title=title, sections=sections, payload=payload)

    def approval_errors(self, document: Document) -> list[str]:
        marker = str(PROMPT_MARKER)
        return [
            _("Раздел «%(heading)s» не заполнен: замените подсказку в квадратных скобках своим текстом.")
            % {"heading": section.heading or section.key}
            for section in document.sections.order_by("order")
            if marker in section.body
        ]
