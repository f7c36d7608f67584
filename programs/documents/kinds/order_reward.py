"""Приказ о поощрении участников наставничества: thanks for the programs completed in the school year.

The curator picks completed personalised programs of the year (all of them when none is picked)
and the reward (by default «объявить благодарность»). Everyone of those pairs is rewarded — the
mentor and each mentee — once, with every program as the ground; a program marked as a best
practice says so and is named in its own clause.
"""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, register
from programs.models import DocumentKind, PairMentee, PersonalizedProgram, ProgramStatus, RegistrationSeries
from schools.models import School
from schools.years import school_year_bounds

DEFAULT_REWARD = gettext_lazy("объявить благодарность")
PERSON = ("staff", "student", "partner_representative__organization")


def completed_programs(school: School, school_year: int):
    """Programs completed within the school year, with their pairs' people."""
    first, last = school_year_bounds(school_year)
    return (
        PersonalizedProgram.objects.filter(
            school=school, status=ProgramStatus.COMPLETED, ended_on__gte=first, ended_on__lte=last
        )
        .select_related(*(f"pair__mentor__{p}" for p in PERSON))
        .prefetch_related(
            Prefetch(
                "pair__mentee_links",
                queryset=PairMentee.objects.select_related(*(f"mentee__{p}" for p in PERSON)).order_by("pk"),
            )
        )
        .order_by("ended_on", "pk")
    )


class _ProgramChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PersonalizedProgram) -> str:
        mentees = ", ".join(link.mentee.full_name for link in obj.pair.mentee_links.all())
        label = _("%(title)s: %(mentor)s → %(mentees)s") % {
            "title": obj.title,
            "mentor": obj.pair.mentor.full_name,
            "mentees": mentees,
        }
        return label + (_(" (лучшая практика)") if obj.is_best_practice else "")


def reward_rows(programs: list[PersonalizedProgram]) -> list[dict[str, str]]:
    """One row per person: the mentor and the mentees of each program, grounds joined."""
    rows: dict[int, dict[str, object]] = {}

    def add(participant, role: str, ground: str) -> None:
        row = rows.setdefault(
            participant.pk,
            {"name": participant.full_name, "position": participant.description, "roles": [], "grounds": []},
        )
        if role not in row["roles"]:
            row["roles"].append(role)
        row["grounds"].append(ground)

    for program in programs:
        ground = _("программа «%(title)s» (%(start)s – %(end)s)") % {
            "title": program.title,
            "start": common.ru_date(program.start_date),
            "end": common.ru_date(program.ended_on or program.end_date),
        }
        if program.is_best_practice:
            ground += _(", лучшая практика")
        add(program.pair.mentor, _("наставник"), ground)
        for link in program.pair.mentee_links.all():
            add(link.mentee, _("наставляемый"), ground)
    return [
        {
            "name": str(r["name"]),
            "position": str(r["position"]),
            "role": ", ".join(r["roles"]),
            "ground": "\n".join(r["grounds"]),
        }
        for r in rows.values()
    ]


@register
class OrderReward(DocumentType):
    kind = DocumentKind.ORDER_REWARD
    series = RegistrationSeries.ORDERS
    stamp = "order"
    # Mentees may be children: not published unless the curator decides so.
    default_public = False

    def options_form(self, school: School, school_year: int) -> type[forms.Form]:
        queryset = completed_programs(school, school_year)
        year = common.year_label(school_year)

        class RewardOptions(forms.Form):
            programs = _ProgramChoice(
                label=gettext_lazy("Выполненные программы"),
                queryset=queryset,
                required=False,
                help_text=gettext_lazy("Если ничего не выбрано — все программы, выполненные в учебном году"),
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": gettext_lazy(
                        "Программа № %(value)s не выполнена в этом учебном году: поощрить по ней нельзя."
                    )
                },
            )
            reward = forms.CharField(
                label=gettext_lazy("Мера поощрения"),
                required=False,
                max_length=200,
                initial=DEFAULT_REWARD,
                help_text=gettext_lazy("Например: «объявить благодарность», «наградить почётной грамотой»"),
            )

            def clean(self):
                data = super().clean()
                data["reward"] = (data.get("reward") or "").strip() or str(DEFAULT_REWARD)
                if not data.get("programs") and "programs" not in self.errors:
                    data["programs"] = list(queryset)
                    if not data["programs"]:
                        self.add_error(
                            "programs",
                            _(
                                "В %(year)s учебном году нет выполненных программ наставничества: поощрять не по чему."
                            )
                            % {"year": year},
                        )
                return data

        return RewardOptions

    def build(self, ctx: BuildContext) -> Built:
        programs = sorted(ctx.options["programs"], key=lambda p: (p.ended_on or p.end_date, p.pk))
        reward = ctx.options["reward"]
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        rows = reward_rows(programs)
        best = [p for p in programs if p.is_best_practice]
        preamble = _(
            "В соответствии с Положением о системе наставничества %(school)s, по итогам реализации "
            "персонализированных программ наставничества в %(year)s учебном году и в целях поддержки и "
            "популяризации наставнической деятельности"
        ) % {"school": school, "year": year}
        clauses = [
            _(
                "За успешное выполнение персонализированных программ наставничества %(reward)s участникам "
                "наставничества согласно приложению (%(count)s)."
            )
            % {"reward": reward, "count": common.plural(len(rows), _("человек"), _("человека"), _("человек"))}
        ]
        if best:
            clauses.append(
                common.intro_with_list(
                    _("Признать лучшими практиками наставничества %(school)s программы:")
                    % {"school": school},
                    [
                        _("«%(title)s» (наставник — %(mentor)s)")
                        % {"title": p.title, "mentor": p.pair.mentor.full_name}
                        for p in best
                    ],
                )
            )
            clauses.append(
                _(
                    "Куратору наставничества разместить описания лучших практик в разделе «Наставничество» "
                    "официального сайта %(school)s и рассмотреть возможность их представления на муниципальных "
                    "и региональных конкурсах."
                )
                % {"school": school}
            )
        clauses.append(
            _(
                "Учесть наставническую деятельность работников, указанных в приложении, при подготовке к их "
                "аттестации и при выдвижении на профессиональные конкурсы."
            )
        )
        title = common.order_title(
            ctx,
            _("О поощрении участников наставничества по итогам %(year)s учебного года") % {"year": year},
        )
        payload = {
            "reward": reward,
            "programs": [
                {"id": p.pk, "title": p.title, "best_practice": p.is_best_practice} for p in programs
            ],
            "rewarded": rows,
            "appendices": [
                {
                    "key": "rewarded",
                    "title": _("Участники наставничества, которым объявляется поощрение"),
                    "columns": [
                        _("№ п/п"),
                        _("Фамилия, имя, отчество"),
                        _("Должность (класс)"),
                        _("Роль"),
                        _("Основание"),
                    ],
                    "widths": [6, 24, 20, 14, 36],
                    "rows": [
                        [str(n), r["name"], r["position"], r["role"], r["ground"]]
                        for n, r in enumerate(rows, start=1)
                    ],
                }
            ],
            "acquainted": [{"name": r["name"], "position": r["position"]} for r in rows],
        }
        return Built(title=title, sections=common.order_sections(ctx, preamble, clauses), payload=payload)
