"""Приказ об организации «Школы наставников»: training of the school's mentors over a period.

The curator chooses the period, the leader (the curator when nobody is chosen), the mentors (all
active mentors of the base when none is chosen) and the topics, one per line (a default plan of
eight topics otherwise). Appendix 1 lists the participants, appendix 2 the plan of sessions with
the topics spread evenly over the months of the period.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, register
from programs.models import DocumentKind, MentorProfile, RegistrationSeries, TrainingStatus
from programs.services.roadmap import add_months
from schools.models import EmploymentStatus, School, Staff
from schools.years import school_year_bounds

DEFAULT_TOPICS = (
    gettext_lazy(
        "Наставничество в образовательной организации: Положение о системе наставничества, права и обязанности участников"
    ),
    gettext_lazy("Позиция наставника: роли, этика и границы взаимодействия с наставляемым"),
    gettext_lazy("Диагностика профессиональных затруднений и запросов наставляемого"),
    gettext_lazy("Проектирование персонализированной программы наставничества: цель, результаты, план"),
    gettext_lazy("Посещение и анализ урока: наблюдение, обратная связь, совместное планирование"),
    gettext_lazy("Психологические основы наставничества: общение, мотивация, профилактика выгорания"),
    gettext_lazy("Цифровые инструменты в работе наставника и наставляемого"),
    gettext_lazy("Оценка результатов наставничества: рефлексия, мониторинг, описание лучшей практики"),
)


def default_period(school_year: int) -> tuple[date, date]:
    """October to April: after the pairs are formed and before the final month of the year."""
    return date(school_year, 10, 1), date(school_year + 1, 4, 30)


def spread_over_months(topics: list[str], start: date, end: date) -> list[tuple[str, date]]:
    """Each topic gets a month of the period, in order, as evenly as the months allow."""
    months = []
    month = date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    if not months:
        months = [start]
    return [(topic, months[i * len(months) // len(topics)]) for i, topic in enumerate(topics)]


class _MentorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MentorProfile) -> str:
        return f"{obj.participant.full_name}, {obj.participant.description}"


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return common.name_with_position(obj)


@register
class OrderMentorSchool(DocumentType):
    kind = DocumentKind.ORDER_MENTOR_SCHOOL
    series = RegistrationSeries.ORDERS
    stamp = "order"

    def options_form(self, school: School, school_year: int) -> type[forms.Form]:
        mentor_queryset = (
            MentorProfile.objects.filter(school=school)
            .select_related(
                "participant__staff",
                "participant__student",
                "participant__partner_representative__organization",
            )
            .order_by("participant__staff__last_name", "pk")
        )
        staff_queryset = Staff.objects.filter(
            school=school, employment_status=EmploymentStatus.WORKS
        ).order_by("last_name", "first_name", "patronymic", "pk")
        start, end = default_period(school_year)
        first, last = school_year_bounds(school_year)

        class MentorSchoolOptions(forms.Form):
            start_date = forms.DateField(label=gettext_lazy("Начало занятий"), required=False, initial=start)
            end_date = forms.DateField(label=gettext_lazy("Окончание занятий"), required=False, initial=end)
            leader = _StaffChoice(
                label=gettext_lazy("Руководитель «Школы наставников»"),
                queryset=staff_queryset,
                required=False,
                help_text=gettext_lazy("Если не выбран — куратор наставничества"),
            )
            mentors = _MentorChoice(
                label=gettext_lazy("Участники"),
                queryset=mentor_queryset,
                required=False,
                help_text=gettext_lazy("Если никто не выбран — все действующие наставники базы"),
                widget=forms.CheckboxSelectMultiple,
            )
            topics = forms.CharField(
                label=gettext_lazy("Темы занятий, по одной в строке"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                initial="\n".join(str(t) for t in DEFAULT_TOPICS),
            )

            def clean(self):
                data = super().clean()
                data["start_date"] = data.get("start_date") or start
                data["end_date"] = data.get("end_date") or end
                if data["end_date"] <= data["start_date"]:
                    self.add_error("end_date", gettext_lazy("Окончание занятий должно быть позже начала."))
                elif not (first <= data["start_date"] and data["end_date"] <= last):
                    self.add_error(
                        "start_date",
                        gettext_lazy("Занятия должны укладываться в учебный год документа."),
                    )
                lines = [line.strip() for line in (data.get("topics") or "").splitlines() if line.strip()]
                data["topics"] = lines or [str(t) for t in DEFAULT_TOPICS]
                if not data.get("mentors"):
                    data["mentors"] = list(mentor_queryset.filter(is_active=True))
                if not data["mentors"]:
                    self.add_error(
                        "mentors",
                        gettext_lazy(
                            "В базе наставников нет действующих наставников: сначала пополните базу."
                        ),
                    )
                return data

        return MentorSchoolOptions

    def build(self, ctx: BuildContext) -> Built:
        options = ctx.options
        start, end = options["start_date"], options["end_date"]
        leader: Staff | None = options.get("leader") or common.curator_of(ctx)
        profiles: list[MentorProfile] = sorted(
            options["mentors"], key=lambda p: (p.participant.full_name, p.pk)
        )
        topics: list[str] = options["topics"]
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        participants = [
            {
                "name": p.participant.full_name,
                "position": p.participant.description,
                "training": str(TrainingStatus(p.training_status).label),
            }
            for p in profiles
        ]
        plan = [
            {"topic": topic, "month": common.month_label(month)}
            for topic, month in spread_over_months(topics, start, end)
        ]
        preamble = _(
            "В соответствии с Положением о системе наставничества %(school)s, в целях повышения "
            "профессиональной компетентности наставников и обмена опытом наставнической деятельности"
        ) % {"school": school}
        clauses = [
            _(
                "Организовать в %(school)s «Школу наставников» в %(year)s учебном году в период с %(start)s по "
                "%(end)s."
            )
            % {"school": school, "year": year, "start": common.ru_date(start), "end": common.ru_date(end)},
            _(
                "Утвердить состав участников «Школы наставников» (приложение 1) и план занятий (приложение 2)."
            ),
        ]
        if leader is not None:
            clauses.append(
                common.intro_with_list(
                    _("Назначить руководителем «Школы наставников» (далее — руководитель):"),
                    [common.name_with_position(leader)],
                )
            )
        clauses.append(
            _(
                "Руководителю обеспечить проведение занятий по плану, вести учёт посещаемости, по окончании "
                "занятий представить отчёт и отметить прохождение обучения в базе наставников."
            )
            if leader is not None
            else _(
                "Куратору наставничества обеспечить проведение занятий по плану, вести учёт посещаемости и по "
                "окончании занятий отметить прохождение обучения в базе наставников."
            )
        )
        clauses.append(
            _(
                "Наставникам, включённым в состав участников, посещать занятия и применять полученные знания при "
                "реализации персонализированных программ наставничества."
            )
        )
        title = common.order_title(
            ctx, _("Об организации «Школы наставников» в %(year)s учебном году") % {"year": year}
        )
        payload = {
            "period": [common.ru_date(start), common.ru_date(end)],
            "leader": common.person(leader),
            "participants": participants,
            "plan": plan,
            "appendices": [
                {
                    "key": "participants",
                    "title": _("Состав участников «Школы наставников»"),
                    "columns": [
                        _("№ п/п"),
                        _("Фамилия, имя, отчество"),
                        _("Должность"),
                        _("Обучение наставников"),
                    ],
                    "widths": [8, 36, 28, 28],
                    "rows": [
                        [str(n), p["name"], p["position"], p["training"]]
                        for n, p in enumerate(participants, start=1)
                    ],
                },
                {
                    "key": "plan",
                    "title": _("План занятий «Школы наставников»"),
                    "columns": [_("№ п/п"), _("Тема занятия"), _("Месяц")],
                    "widths": [8, 70, 22],
                    "rows": [[str(n), row["topic"], row["month"]] for n, row in enumerate(plan, start=1)],
                },
            ],
            "acquainted": common.unique_people(
                [
                    common.person(leader),
                    *({"name": p["name"], "position": p["position"]} for p in participants),
                ]
            ),
        }
        return Built(title=title, sections=common.order_sections(ctx, preamble, clauses), payload=payload)
