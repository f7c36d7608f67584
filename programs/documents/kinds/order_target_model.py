"""Приказ о внедрении целевой модели наставничества: the first act of the school's mentoring system.

Built from the school's mentoring settings: the curator (when one is chosen), the forms, role
models and kinds practised. It orders the Regulation, the roadmap and the program to be drafted
and names who answers for what. The legal basis in the preamble is the federal one (273-ФЗ,
Р-145, МР-42/02 and the recommendations of 2021).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, register
from programs.models import DocumentKind, RegistrationSeries


@register
class OrderTargetModel(DocumentType):
    kind = DocumentKind.ORDER_TARGET_MODEL
    series = RegistrationSeries.ORDERS
    stamp = "order"

    def build(self, ctx: BuildContext) -> Built:
        settings = ctx.settings
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        curator = common.curator_of(ctx)
        forms = common.practised_forms(settings)
        role_models = common.practised_role_models(settings)
        kinds = common.practised_kinds(settings)
        council = settings.council_name

        preamble = _(
            "%(basis)s, в целях создания условий для непрерывного профессионального роста педагогических "
            "работников, адаптации молодых специалистов и новых сотрудников, раскрытия потенциала "
            "обучающихся и развития наставнических практик в %(school)s"
        ) % {"basis": common.basis_sentence(), "school": school}

        clauses = [
            _(
                "Внедрить в %(school)s целевую модель наставничества %(whom)s (далее — целевая модель) "
                "в %(year)s учебном году."
            )
            % {"school": school, "whom": common.whom(settings), "year": year}
        ]
        if curator is not None:
            clauses.append(
                _(
                    "Установить, что куратором внедрения целевой модели и реализации программ наставничества "
                    "является %(person)s (далее — куратор)."
                )
                % {"person": common.name_with_position(curator)}
            )
        else:
            clauses.append(
                _(
                    "Куратора внедрения целевой модели и реализации программ наставничества (далее — куратор) "
                    "назначить отдельным приказом в течение пяти рабочих дней со дня издания настоящего приказа."
                )
            )
        if forms:
            practice = common.intro_with_list(
                _("Определить формы наставничества, практикуемые в %(school)s:") % {"school": school}, forms
            )
            extras = []
            if role_models:
                extras.append(
                    _("Ролевые модели: %(list)s.") % {"list": "; ".join(role_models)},
                )
            if kinds:
                extras.append(_("Виды наставничества: %(list)s.") % {"list": "; ".join(kinds)})
            clauses.append("\n".join([practice, *extras]))
        else:
            clauses.append(
                _(
                    "Формы, ролевые модели и виды наставничества определить Положением о системе "
                    "наставничества %(school)s с учётом кадрового состава, запросов педагогических работников "
                    "и задач образовательной организации."
                )
                % {"school": school}
            )
        clauses.append(
            common.intro_with_list(
                _(
                    "Куратору в течение месяца со дня издания настоящего приказа разработать и представить "
                    "на утверждение:"
                ),
                [
                    _("Положение о системе наставничества %(school)s") % {"school": school},
                    _("дорожную карту внедрения целевой модели на %(year)s учебный год") % {"year": year},
                    _("программу наставничества %(school)s") % {"school": school},
                ],
            )
        )
        clauses.append(
            common.intro_with_list(
                _("Возложить ответственность:"),
                [
                    _(
                        "за организацию наставничества, формирование баз наставников и наставляемых, "
                        "наставнических пар (групп) и мониторинг — на куратора"
                    ),
                    _(
                        "за методическое сопровождение наставников, рассмотрение персонализированных программ "
                        "и обобщение лучших практик — на коллегиальный орган по вопросам наставничества "
                        "(%(council)s)"
                    )
                    % {"council": council},
                    _(
                        "за психолого-педагогическое сопровождение участников наставничества и диагностику "
                        "совместимости наставнических пар — на педагога-психолога"
                    ),
                ],
            )
        )
        clauses.append(
            _(
                "Куратору обеспечить размещение на официальном сайте %(school)s в разделе «Наставничество» "
                "настоящего приказа и локальных актов о наставничестве и своевременное обновление этого раздела."
            )
            % {"school": school}
        )
        title = common.order_title(
            ctx,
            _("О внедрении целевой модели наставничества в %(school)s в %(year)s учебном году")
            % {"school": school, "year": year},
        )
        payload = {
            "curator": common.person(curator),
            "forms": forms,
            "role_models": role_models,
            "kinds": kinds,
            "acquainted": common.unique_people([common.person(curator)]),
        }
        return Built(title=title, sections=common.order_sections(ctx, preamble, clauses), payload=payload)
