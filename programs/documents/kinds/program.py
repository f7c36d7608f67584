"""Программа наставничества образовательной организации: the school's program for a school year.

Its passport (an appendix table) carries the numbers of the day: mentors in the mentor base,
people of the mentee base who still need a mentor, pairs and groups of the school year. The text
sets goals, tasks, forms, expected results, the stages (with the roadmap, when there is one),
the indicators of effectiveness and the resources.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.kinds.regulation import kirkpatrick_levels, quantitative_indicators
from programs.documents.registry import BuildContext, Built, DocumentType, Section, register
from programs.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    MentoringPair,
    MentorProfile,
    RegistrationSeries,
    SchoolRoadmap,
)
from programs.selectors import STATUS_NEEDS_MENTOR, mentee_base, mentee_base_rules
from programs.services.roadmap import PHASES
from schools.models import School
from schools.years import school_year_bounds

ACCUSATIVE = gettext_lazy("программу наставничества")


def pairs_of_year(school: School, school_year: int):
    """Pairs that worked in the school year: started before its end and not ended before its start."""
    first, last = school_year_bounds(school_year)
    return MentoringPair.objects.filter(school=school, start_date__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )


def participant_counts(ctx: BuildContext) -> dict[str, int]:
    rules = mentee_base_rules(ctx.today)
    return {
        "mentors": MentorProfile.objects.filter(school=ctx.school, is_active=True).count(),
        "needs_mentor": mentee_base(rules=rules, status=STATUS_NEEDS_MENTOR)
        .filter(school=ctx.school)
        .count(),
        "pairs": pairs_of_year(ctx.school, ctx.school_year).count(),
    }


def _period(roadmap: SchoolRoadmap | None, school_year: int) -> tuple[date, date]:
    if roadmap is not None:
        stages = list(roadmap.stages.all())
        if stages:
            return min(s.start_date for s in stages), max(s.end_date for s in stages)
    return school_year_bounds(school_year)[0], date(school_year + 1, 5, 31)


@register
class Program(DocumentType):
    kind = DocumentKind.PROGRAM
    series = RegistrationSeries.ACTS
    stamp = "approve"

    def build(self, ctx: BuildContext) -> Built:
        settings = ctx.settings
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        whom = common.whom(settings)
        forms = common.practised_forms(settings)
        if not forms:  # no choice in the settings yet: the forms the pairs of the year actually use
            forms = list(
                pairs_of_year(ctx.school, ctx.school_year)
                .order_by("form__order", "form__name")
                .values_list("form__name", flat=True)
                .distinct()
            )
        counts = participant_counts(ctx)
        roadmap = SchoolRoadmap.objects.filter(school=ctx.school, school_year=ctx.school_year).first()
        start, end = _period(roadmap, ctx.school_year)
        curator = common.curator_of(ctx)
        name = _("Программа наставничества %(school)s на %(year)s учебный год") % {
            "school": school,
            "year": year,
        }

        goal = _(
            "Создание условий для непрерывного профессионального роста и самореализации %(whom)s %(school)s, "
            "успешной адаптации и закрепления в профессии молодых и начинающих педагогов через "
            "персонализированные программы наставничества."
        ) % {"whom": whom, "school": school}
        tasks = [
            _("выявить педагогов и обучающихся, которым нужен наставник, и их затруднения"),
            _("сформировать базу наставников и обучить наставников"),
            _("сформировать наставнические пары (группы) и закрепить их приказом"),
            _("разработать и реализовать персонализированные программы наставничества"),
            _("обеспечить психолого-педагогическое и методическое сопровождение участников"),
            _("провести мониторинг, выявить и распространить лучшие практики наставничества"),
        ]
        results = [
            _("успешная адаптация молодых и вновь принятых педагогов, их закрепление в профессии"),
            _("преодоление профессиональных затруднений, выявленных диагностикой"),
            _("рост профессиональной компетентности наставников и наставляемых"),
            _("участие наставников и наставляемых в профессиональных конкурсах, конференциях, проектах"),
            _("выполнение персонализированных программ наставничества в установленные сроки"),
            _("пополнение банка лучших практик наставничества образовательной организации"),
        ]
        people = _(
            "наставников в базе — %(mentors)s; педагогов, которым нужен наставник, — %(needs)s; наставнических "
            "пар (групп) в %(year)s учебном году — %(pairs)s"
        ) % {
            "mentors": counts["mentors"],
            "needs": counts["needs_mentor"],
            "pairs": counts["pairs"],
            "year": year,
        }
        period = _("%(year)s учебный год (с %(start)s по %(end)s)") % {
            "year": year,
            "start": common.ru_date(start),
            "end": common.ru_date(end),
        }
        deadline = common.day_and_month(settings.monitoring_day, settings.monitoring_month)

        roadmap_doc = (
            Document.objects.filter(
                school=ctx.school,
                kind=DocumentKind.ROADMAP,
                school_year=ctx.school_year,
                status=DocumentStatus.APPROVED,
            )
            .order_by("-approved_on", "-pk")
            .first()
        )
        if roadmap_doc is not None:
            roadmap_ref = _(
                "Сроки и содержание этапов определяются дорожной картой внедрения целевой модели наставничества "
                "на %(year)s учебный год, утверждённой %(ref)s."
            ) % {"year": year, "ref": common.reference(roadmap_doc)}
        elif roadmap is not None:
            roadmap_ref = _(
                "Сроки и содержание этапов определяются дорожной картой внедрения целевой модели наставничества "
                "на %(year)s учебный год."
            ) % {"year": year}
        else:
            roadmap_ref = _(
                "Сроки и содержание этапов определяются дорожной картой внедрения целевой модели наставничества, "
                "которую разрабатывает куратор."
            )
        stage_lines = []
        if roadmap is not None:
            stage_lines = [
                _("%(title)s — с %(start)s по %(end)s")
                % {"title": s.title, "start": common.ru_date(s.start_date), "end": common.ru_date(s.end_date)}
                for s in roadmap.stages.order_by("order")
            ]

        sections = [
            *common.act_amendment(ctx, str(ACCUSATIVE), _("утверждённую")),
            Section(
                "general",
                _("1. Общие положения"),
                common.paragraphs(
                    _(
                        "1.1. Программа наставничества %(school)s (далее — Программа) определяет цель, задачи, "
                        "формы, этапы и ожидаемые результаты наставничества %(whom)s в %(year)s учебном году. "
                        "Паспорт Программы приведён в приложении."
                    )
                    % {"school": school, "whom": whom, "year": year},
                    _(
                        "1.2. Программа разработана в соответствии с Положением о системе наставничества "
                        "%(school)s и реализуется в период: %(period)s."
                    )
                    % {"school": school, "period": period},
                ),
            ),
            Section("goals", _("2. Цель Программы"), "2.1. " + goal),
            Section(
                "tasks",
                _("3. Задачи Программы"),
                common.intro_with_list(_("3.1. Для достижения цели решаются задачи:"), tasks),
            ),
            Section(
                "forms",
                _("4. Формы наставничества и участники"),
                common.paragraphs(
                    common.intro_with_list(_("4.1. Программа реализуется в формах:"), forms)
                    if forms
                    else _(
                        "4.1. Формы наставничества определяются при формировании наставнических пар (групп)."
                    ),
                    _("4.2. Участники Программы на дату её подготовки: %(people)s.") % {"people": people},
                    _(
                        "4.3. Для каждой пары (группы) разрабатывается персонализированная программа сроком от "
                        "%(min)s до %(max)s %(months)s."
                    )
                    % {
                        "min": settings.program_min_months,
                        "max": settings.program_max_months,
                        "months": common.months_genitive(settings.program_max_months),
                    },
                ),
            ),
            Section(
                "results",
                _("5. Ожидаемые результаты"),
                common.intro_with_list(_("5.1. В результате реализации Программы ожидается:"), results),
            ),
            Section(
                "stages",
                _("6. Этапы реализации Программы"),
                common.paragraphs(
                    common.intro_with_list(
                        _("6.1. Программа реализуется в пять этапов:"), [str(p.label) for p in PHASES]
                    ),
                    "6.2. " + roadmap_ref,
                    common.intro_with_list(_("6.3. Этапы дорожной карты:"), stage_lines)
                    if stage_lines
                    else "",
                ),
            ),
            Section(
                "indicators",
                _("7. Показатели эффективности"),
                common.paragraphs(
                    common.intro_with_list(_("7.1. Количественные показатели:"), quantitative_indicators()),
                    common.intro_with_list(
                        _("7.2. Качественные показатели:"),
                        [
                            _("результативность персонализированных программ наставничества"),
                            _("удовлетворённость участников наставничеством"),
                            _("качество вовлечённости педагогов в различные формы поддержки"),
                            _("соответствие условий организации наставничества установленным требованиям"),
                        ],
                    ),
                    common.intro_with_list(
                        _("7.3. Оценка проводится по уровням модели Д. Киркпатрика:"), kirkpatrick_levels()
                    ),
                    _("7.4. Мониторинг проводится ежегодно, не позднее %(deadline)s.")
                    % {"deadline": deadline},
                ),
            ),
            Section(
                "resources",
                _("8. Ресурсное обеспечение"),
                common.intro_with_list(
                    _("8.1. Реализация Программы обеспечивается ресурсами:"),
                    [
                        _(
                            "кадровыми — куратор, наставники из базы наставников, педагог-психолог, "
                            "коллегиальный орган (%(council)s)"
                        )
                        % {"council": settings.council_name},
                        _(
                            "методическими — библиотека типовых программ наставничества, материалы «Школы "
                            "наставников», банк лучших практик"
                        ),
                        _(
                            "информационными — информационная система «Наставник», раздел «Наставничество» на "
                            "официальном сайте %(school)s"
                        )
                        % {"school": school},
                        _(
                            "материально-техническими — помещения и оборудование для встреч, занятий и открытых уроков"
                        ),
                        _("финансовыми — %(money)s")
                        % {
                            "money": _("доплата наставникам: %(amount)s")
                            % {"amount": settings.pay_supplement}
                            if settings.pay_supplement
                            else _("в пределах фонда оплаты труда образовательной организации")
                        },
                    ],
                ),
            ),
        ]
        passport_rows = [
            [_("Наименование"), name],
            [
                _("Основания для разработки"),
                "\n".join(
                    [
                        str(common.LAW_EDUCATION),
                        str(common.MINISTRY_R145),
                        str(common.RECOMMENDATIONS_2021),
                        _("Положение о системе наставничества %(school)s") % {"school": school},
                    ]
                ),
            ],
            [_("Цель"), goal],
            [_("Задачи"), "\n".join(f"– {t}" for t in tasks)],
            [_("Сроки реализации"), period],
            [
                _("Формы наставничества"),
                "\n".join(forms) if forms else _("определяются при формировании пар"),
            ],
            [
                _("Участники"),
                "\n".join(
                    [
                        _("наставников в базе: %(n)s") % {"n": counts["mentors"]},
                        _("нуждаются в наставнике: %(n)s") % {"n": counts["needs_mentor"]},
                        _("пар (групп) в учебном году: %(n)s") % {"n": counts["pairs"]},
                    ]
                ),
            ],
            [
                _("Куратор"),
                common.name_with_position(curator) if curator is not None else _("назначается приказом"),
            ],
            [_("Ожидаемые результаты"), "\n".join(f"– {r}" for r in results)],
            [
                _("Контроль"),
                _("ежегодный мониторинг не позднее %(deadline)s, аналитическая справка")
                % {"deadline": deadline},
            ],
        ]
        title = common.act_title(ctx, name, str(ACCUSATIVE))
        payload = {
            "participants": counts,
            "forms": forms,
            "period": [common.ru_date(start), common.ru_date(end)],
            "appendices": [
                {
                    "key": "passport",
                    "title": _("Паспорт программы наставничества"),
                    "columns": [_("Раздел"), _("Содержание")],
                    "widths": [28, 72],
                    "rows": passport_rows,
                }
            ],
        }
        return Built(title=title, sections=sections, payload=payload)
