"""Аналитическая справка о реализации целевой модели наставничества: the school's yearly note.

The figures come from the data (``programs.documents.figures.note_figures``); the analysis is the
curator's: the SWOT sections and the management decisions start with a bracketed prompt that the
curator replaces, and a note that still carries a prompt cannot be sent to the director. The note
is internal (it goes to the municipal monitoring, not to the website).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.figures import note_figures
from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, Section, register
from programs.models import Document, DocumentKind, PairStatus, ProgramStatus, RegistrationSeries

ACCUSATIVE = gettext_lazy("аналитическую справку")
# A prompt is a bracketed text beginning with this marker; submitting is refused while one is left.
PROMPT_MARKER = gettext_lazy("[Заполняет куратор:")


def prompt(text: str) -> str:
    return f"{PROMPT_MARKER} {text}]"


def _value(share: int | None) -> str:
    return _("нет данных") if share is None else f"{share} %"


def indicator_rows(f: dict) -> list[list[str]]:
    pairs, programs = f["pairs_by_status"], f["programs_by_status"]
    rows = [
        (_("Педагогических работников (работают)"), f["staff"]),
        (_("Молодых специалистов (стаж до 3 лет)"), f["young_specialists"]),
        (_("из них в возрасте до 35 лет"), f["young_under_35"]),
        (_("Молодых специалистов — наставляемых в парах учебного года"), f["young_mentees"]),
        (_("Доля молодых специалистов, охваченных наставничеством"), _value(f["young_in_programs_share"])),
        (_("Наставников в базе (готовы принимать наставляемых)"), f["mentors"]),
        (_("Наставников, прошедших обучение"), f["mentors_trained"]),
        (
            _("Доля наставников, прошедших курс «Наставничество педагогических работников»"),
            _value(f["mentors_course_share"]),
        ),
        (_("Наставнических пар (групп) в учебном году"), f["pairs"]),
        (_("закреплены приказом или работают"), pairs[PairStatus.FIXED] + pairs[PairStatus.ACTIVE]),
        (_("ещё не закреплены приказом"), pairs[PairStatus.DRAFT] + pairs[PairStatus.CONSENTS]),
        (_("завершены"), pairs[PairStatus.COMPLETED]),
        (_("прекращены досрочно"), pairs[PairStatus.ENDED_EARLY]),
        (_("Персонализированных программ"), f["programs"]),
        (
            _("утверждены или реализуются"),
            programs[ProgramStatus.APPROVED] + programs[ProgramStatus.IN_PROGRESS],
        ),
        (_("выполнены"), programs[ProgramStatus.COMPLETED]),
        (_("прекращены досрочно"), programs[ProgramStatus.ENDED_EARLY]),
        (_("Доля выполненных программ среди завершившихся"), _value(f["completion_share"])),
        (_("Лучших практик"), f["best_practices"]),
    ]
    return [[str(n), label, str(value)] for n, (label, value) in enumerate(rows, start=1)]


@register
class AnalyticalNote(DocumentType):
    kind = DocumentKind.ANALYTICAL_NOTE
    series = RegistrationSeries.ACTS
    stamp = "approve"
    may_be_public = False
    default_public = False

    def build(self, ctx: BuildContext) -> Built:
        f = note_figures(ctx.school, ctx.school_year)
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        pairs, programs = f["pairs_by_status"], f["programs_by_status"]
        deadline = common.day_and_month(ctx.settings.monitoring_day, ctx.settings.monitoring_month)

        general = common.paragraphs(
            _(
                "1.1. Справка подготовлена по итогам внутреннего мониторинга реализации целевой модели "
                "наставничества в %(school)s в %(year)s учебном году (срок мониторинга — не позднее %(deadline)s)."
            )
            % {"school": school, "year": year, "deadline": deadline},
            _(
                "1.2. Источник количественных данных — информационная система «Наставник» (базы наставников и "
                "наставляемых, наставнические пары, персонализированные программы) на дату подготовки справки. "
                "Показатели сведены в таблицу приложения."
            ),
        )
        forms = [
            _("%(name)s — %(pairs)s")
            % {"name": x["name"], "pairs": common.plural(x["pairs"], _("пара"), _("пары"), _("пар"))}
            for x in f["forms"]
        ]
        # «Label: number» everywhere: a number never has to agree with the noun before it.
        figures = common.paragraphs(
            _(
                "2.1. Педагогических работников: %(staff)s, из них молодых специалистов (стаж до трёх лет): "
                "%(young)s, в том числе в возрасте до 35 лет: %(under_35)s. Молодых специалистов — наставляемых "
                "в парах учебного года: %(young_mentees)s (охват: %(share)s)."
            )
            % {
                "staff": f["staff"],
                "young": f["young_specialists"],
                "under_35": f["young_under_35"],
                "young_mentees": f["young_mentees"],
                "share": _value(f["young_in_programs_share"]),
            },
            _(
                "2.2. Действующих наставников в базе: %(mentors)s; прошли обучение наставников: %(trained)s, в том "
                "числе курс повышения квалификации «Наставничество педагогических работников»: %(course)s."
            )
            % {"mentors": f["mentors"], "trained": f["mentors_trained"], "course": f["mentors_course"]},
            _(
                "2.3. Наставнических пар (групп) в учебном году: %(pairs)s; из них закреплены приказом или "
                "работают — %(working)s, завершены — %(completed)s, прекращены досрочно — %(ended)s, ещё не "
                "закреплены приказом — %(unfixed)s."
            )
            % {
                "pairs": f["pairs"],
                "working": pairs[PairStatus.FIXED] + pairs[PairStatus.ACTIVE],
                "completed": pairs[PairStatus.COMPLETED],
                "ended": pairs[PairStatus.ENDED_EARLY],
                "unfixed": pairs[PairStatus.DRAFT] + pairs[PairStatus.CONSENTS],
            },
            _(
                "2.4. Персонализированных программ: %(total)s; из них выполнены — %(completed)s, прекращены "
                "досрочно — %(ended)s; доля выполненных среди завершившихся — %(share)s; признаны лучшими "
                "практиками — %(best)s."
            )
            % {
                "total": f["programs"],
                "completed": programs[ProgramStatus.COMPLETED],
                "ended": programs[ProgramStatus.ENDED_EARLY],
                "share": _value(f["completion_share"]),
                "best": f["best_practices"],
            },
            common.intro_with_list(_("2.5. Формы наставничества в парах учебного года:"), forms)
            if forms
            else "",
        )
        if f["end_reasons"]:
            reasons = common.intro_with_list(
                _("7.1. Наставнические пары прекратили работу досрочно по следующим причинам:"),
                [
                    _("%(label)s — %(count)s")
                    % {
                        "label": r["label"],
                        "count": common.plural(r["count"], _("пара"), _("пары"), _("пар")),
                    }
                    for r in f["end_reasons"]
                ],
            )
        else:
            reasons = _("7.1. Досрочно прекративших работу наставнических пар в учебном году нет.")
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
                    "columns": [_("№ п/п"), _("Показатель"), _("Значение")],
                    "widths": [8, 72, 20],
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
