"""Приказ о назначении куратора: approving it gives the appointed person the curator's role.

Only a staff member with an account can be appointed (the role is given to the account). On
approval the account gets an active curator membership in the school (a former one is switched
back on) and the school's settings name the person as curator. An order that amends an earlier
appointment releases the curator named there, when it is someone else: their curator role in the
school ends with the new order.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, register
from programs.models import Document, DocumentKind, RegistrationSeries
from programs.services.documents import settings_of
from schools.models import EmploymentStatus, Membership, Role, School, Staff, User


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return common.name_with_position(obj)


def _released(document: Document) -> Staff | None:
    """The curator the amended order appointed, when this order appoints someone else."""
    amends = document.amends
    if amends is None or amends.curator_staff_id in (None, document.curator_staff_id):
        return None
    return amends.curator_staff


@register
class OrderCurator(DocumentType):
    kind = DocumentKind.ORDER_CURATOR
    series = RegistrationSeries.ORDERS
    stamp = "order"

    def options_form(self, school: School, school_year: int) -> type[forms.Form]:
        queryset = Staff.objects.filter(school=school, employment_status=EmploymentStatus.WORKS).order_by(
            "last_name", "first_name", "patronymic", "pk"
        )

        class CuratorOptions(forms.Form):
            staff = _StaffChoice(
                label=gettext_lazy("Кого назначить куратором"),
                queryset=queryset,
                error_messages={
                    "required": gettext_lazy("Выберите сотрудника, которого назначают куратором."),
                    "invalid_choice": gettext_lazy(
                        "Этого сотрудника нет среди работающих в организации: выберите другого."
                    ),
                },
            )

            def clean_staff(self) -> Staff:
                staff = self.cleaned_data["staff"]
                if staff.user_id is None:
                    raise forms.ValidationError(
                        gettext_lazy(
                            "У сотрудника %(name)s нет учётной записи в системе: куратор работает в ней, "
                            "поэтому сначала создайте ему учётную запись (раздел «Педагогические работники»)."
                        ),
                        params={"name": staff.full_name},
                    )
                return staff

        return CuratorOptions

    def build(self, ctx: BuildContext) -> Built:
        staff: Staff = ctx.options["staff"]
        school = ctx.school.short_name
        year = common.year_label(ctx.school_year)
        whom = common.whom(ctx.settings)
        preamble = _(
            "%(basis)s, в целях организации наставничества %(whom)s и реализации программ наставничества в "
            "%(school)s"
        ) % {"basis": common.basis_sentence(), "whom": whom, "school": school}
        clauses = [
            common.intro_with_list(
                _(
                    "Назначить куратором реализации программ наставничества %(whom)s в %(school)s на %(year)s "
                    "учебный год (далее — куратор):"
                )
                % {"whom": whom, "school": school, "year": year},
                [common.name_with_position(staff)],
            ),
            common.intro_with_list(
                _(
                    "Возложить на куратора обязанности, предусмотренные Положением о системе наставничества, в том числе:"
                ),
                [
                    _("ежегодное обновление базы наставляемых и формирование базы наставников"),
                    _("организацию формирования наставнических пар (групп) и сбора согласий участников"),
                    _("сопровождение разработки и выполнения персонализированных программ наставничества"),
                    _("организацию обучения наставников"),
                    _("проведение мониторинга и подготовку аналитической справки"),
                    _("ведение раздела «Наставничество» на официальном сайте %(school)s")
                    % {"school": school},
                ],
            ),
            _(
                "Предоставить куратору права куратора в информационной системе «Наставник» со дня издания "
                "настоящего приказа."
            ),
        ]
        acquainted = [common.person(staff)]
        amends = ctx.amends
        if amends is not None and amends.curator_staff_id not in (None, staff.pk):
            former = amends.curator_staff
            clauses.insert(
                1,
                _(
                    "Освободить от обязанностей куратора со дня издания настоящего приказа: %(person)s. "
                    "Прекратить права куратора в информационной системе «Наставник»."
                )
                % {"person": common.name_with_position(former)},
            )
            acquainted.append(common.person(former))
        title = common.order_title(
            ctx,
            _("О назначении куратора реализации программ наставничества на %(year)s учебный год")
            % {"year": year},
        )
        payload = {"curator": common.person(staff), "acquainted": common.unique_people(acquainted)}
        return Built(
            title=title,
            sections=common.order_sections(ctx, preamble, clauses),
            payload=payload,
            curator_staff=staff,
        )

    def approval_errors(self, document: Document) -> list[str]:
        staff = document.curator_staff
        if staff is None:
            return [_("В приказе не указан куратор: выберите сотрудника и обновите документ.")]
        errors = []
        if staff.user_id is None:
            errors.append(
                _("У сотрудника %(name)s больше нет учётной записи: куратором его назначить нельзя.")
                % {"name": staff.full_name}
            )
        if staff.employment_status != EmploymentStatus.WORKS:
            errors.append(
                _("%(name)s сейчас не работает в организации (%(status)s).")
                % {"name": staff.full_name, "status": staff.get_employment_status_display()}
            )
        return errors

    def apply(self, document: Document, acting_user: User) -> None:
        """The appointed account becomes the school's curator; an amended appointment ends."""
        staff = document.curator_staff
        school = document.school
        membership = Membership.objects.filter(
            user_id=staff.user_id, role=Role.CURATOR, school=school
        ).first()
        if membership is None:
            Membership.objects.create(user_id=staff.user_id, role=Role.CURATOR, school=school)
        elif not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        settings = settings_of(school)
        settings.curator = staff
        settings.save(update_fields=["curator", "updated_at"])
        former = _released(document)
        if former is not None and former.user_id not in (None, staff.user_id):
            Membership.objects.filter(user_id=former.user_id, role=Role.CURATOR, school=school).update(
                is_active=False
            )
