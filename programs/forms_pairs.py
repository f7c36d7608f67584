"""Forms of the pair, consent and request screens.

Forms only parse input; the rules live in the services, whose errors (PairError, ConsentError,
PairRequestError) are put back on the right fields with ``add_service_error``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import (
    EndReason,
    MentoringForm,
    MentoringKind,
    MentoringPair,
    PairStatus,
    Participant,
    RoleModel,
)
from programs.selectors_pairs import OPEN, SORTS, MentorOption, mentee_candidates, mentor_options
from schools.models import Staff, Student

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's error on the field it names (or above the form for the others)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = name if name in form.fields and name != NON_FIELD_ERRORS else None
            form.add_error(field, ValidationError(errors))
    else:
        form.add_error(None, ValidationError(error.messages))


# --- The list ------------------------------------------------------------------------------------


class PairFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("ФИО наставника или наставляемого")}),
    )
    status = forms.ChoiceField(
        label=_("Статус"),
        required=False,
        choices=[("", _("Все")), (OPEN, _("Все действующие")), *PairStatus.choices],
    )
    form = forms.ModelChoiceField(
        label=_("Форма"), required=False, queryset=MentoringForm.objects.all(), empty_label=_("Все")
    )
    kind = forms.ModelChoiceField(
        label=_("Вид"), required=False, queryset=MentoringKind.objects.all(), empty_label=_("Все")
    )
    network = forms.ChoiceField(
        label=_("Сетевая"),
        required=False,
        choices=[("", _("Все")), ("yes", _("Только сетевые")), ("no", _("Без сетевых"))],
    )
    sort = forms.ChoiceField(
        label=_("Порядок"), required=False, choices=[(k, label) for k, (label, _o) in SORTS.items()]
    )


# --- Creating and editing a pair -----------------------------------------------------------------


def _mentor_label(option: MentorOption) -> str:
    p = option.participant
    return _("%(name)s — %(about)s · занято %(taken)s из %(capacity)s, свободно %(left)s") % {
        "name": p.full_name,
        "about": p.description,
        "taken": option.taken,
        "capacity": option.profile.capacity,
        "left": option.left,
    }


def _person_key(person: Staff | Student) -> str:
    return f"{'staff' if isinstance(person, Staff) else 'student'}:{person.pk}"


class MenteesField(forms.MultipleChoiceField):
    """People of the registries (staff, students) by key ``staff:12`` / ``student:5``."""

    def set_people(self, staff: list[Staff], students: list[Student]) -> None:
        self.people = {_person_key(p): p for p in [*staff, *students]}
        groups = []
        if staff:
            groups.append((_("Педагоги"), [(_person_key(s), f"{s.full_name} — {s.position}") for s in staff]))
        if students:
            groups.append(
                (
                    _("Обучающиеся"),
                    [
                        (_person_key(s), _("%(name)s — %(grade)s") % {"name": s.full_name, "grade": s.grade})
                        for s in students
                    ],
                )
            )
        self.choices = groups

    def clean(self, value):
        keys = super().clean(value)
        return [self.people[k] for k in keys]


class PairMenteesMixin:
    def _set_mentee_choices(self, form: MentoringForm | None, current: list[Participant] = ()) -> None:
        staff, students = mentee_candidates(form)
        # A current mentee stays choosable even if the registry has changed since.
        for participant in current:
            person = participant.person
            if isinstance(person, Staff) and person not in staff:
                staff.append(person)
            elif isinstance(person, Student) and person not in students:
                students.append(person)
        self.fields["mentees"].set_people(staff, students)


class PairForm(PairMenteesMixin, forms.Form):
    """A new pair: the mentor from the mentor base, the mentees from the registries."""

    form = forms.ModelChoiceField(
        label=_("Форма наставничества"), queryset=MentoringForm.objects.filter(is_active=True)
    )
    role_model = forms.ModelChoiceField(
        label=_("Ролевая модель"),
        queryset=RoleModel.objects.filter(is_active=True),
        required=False,
        empty_label=_("не указана"),
    )
    kind = forms.ModelChoiceField(
        label=_("Вид наставничества"), queryset=MentoringKind.objects.filter(is_active=True)
    )
    start_date = forms.DateField(label=_("Начало"), **DATE_WIDGET)
    planned_end_date = forms.DateField(label=_("Плановое окончание"), **DATE_WIDGET)
    mentor = forms.TypedChoiceField(label=_("Наставник"), coerce=int)
    mentees = MenteesField(
        label=_("Наставляемые"),
        help_text=_("Несколько наставляемых — это группа. Удерживайте Ctrl (⌘), чтобы выбрать нескольких."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, chosen_form: MentoringForm | None = None, **kwargs) -> None:
        """``chosen_form`` narrows the lists to the people that form allows (the page re-renders on change)."""
        super().__init__(*args, **kwargs)
        # Choosing the form re-renders the page with the mentors and mentees it allows (htmx).
        self.fields["form"].widget.attrs.update(
            {
                "hx-get": reverse("programs:pair-create"),
                "hx-trigger": "change",
                "hx-include": "#pair-form [name=form], #pair-form [name=kind], #pair-form [name=role_model], "
                "#pair-form [name=start_date], #pair-form [name=planned_end_date]",
                "hx-target": "#pair-form",
                "hx-select": "#pair-form",
                "hx-swap": "outerHTML",
            }
        )
        options = mentor_options(chosen_form)
        self.mentors = {o.participant.pk: o for o in options}
        self.fields["mentor"].choices = [
            ("", "---------"),
            *((pk, _mentor_label(o)) for pk, o in self.mentors.items()),
        ]
        self._set_mentee_choices(chosen_form)
        if not options:
            self.fields["mentor"].help_text = _(
                "В базе наставников нет активных наставников для этой формы: сначала добавьте их в базу."
            )

    def clean_mentor(self) -> Participant:
        return self.mentors[self.cleaned_data["mentor"]].participant


class PairEditForm(PairMenteesMixin, forms.Form):
    """Mentees and dates of a pair not yet fixed by order."""

    start_date = forms.DateField(label=_("Начало"), **DATE_WIDGET)
    planned_end_date = forms.DateField(label=_("Плановое окончание"), **DATE_WIDGET)
    mentees = MenteesField(label=_("Наставляемые"), widget=forms.SelectMultiple(attrs={"size": 12}))
    reason = forms.CharField(
        label=_("Причина изменения состава"),
        required=False,
        max_length=500,
        help_text=_("Сохранится в истории пары."),
    )

    def __init__(self, *args, pair: MentoringPair, **kwargs) -> None:
        current = [link.mentee for link in pair.mentee_links.all()]
        kwargs.setdefault(
            "initial",
            {
                "start_date": pair.start_date,
                "planned_end_date": pair.planned_end_date,
                "mentees": [_person_key(m.person) for m in current if m.staff_id or m.student_id],
            },
        )
        super().__init__(*args, **kwargs)
        self._set_mentee_choices(pair.form, current)


# --- Transitions ---------------------------------------------------------------------------------


class FixForm(forms.Form):
    order_number = forms.CharField(label=_("Номер приказа"), max_length=40)
    order_date = forms.DateField(label=_("Дата приказа"), initial=timezone.localdate, **DATE_WIDGET)


class CompleteForm(forms.Form):
    ended_on = forms.DateField(label=_("Дата завершения"), initial=timezone.localdate, **DATE_WIDGET)
    end_comment = forms.CharField(
        label=_("Итоги"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class EndForm(forms.Form):
    end_reason = forms.ChoiceField(
        label=_("Причина"), choices=[("", _("— выберите причину —")), *EndReason.choices]
    )
    ended_on = forms.DateField(label=_("Дата прекращения"), initial=timezone.localdate, **DATE_WIDGET)
    end_comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Обязателен для причины «другое»."),
    )

    def clean(self):
        data = super().clean()
        ended_on = data.get("ended_on")
        if ended_on and ended_on > timezone.localdate():
            self.add_error("ended_on", _("Дата прекращения не может быть в будущем."))
        return data


# --- Consents ------------------------------------------------------------------------------------


class ConsentForm(forms.Form):
    received_on = forms.DateField(label=_("Дата получения"), initial=timezone.localdate, **DATE_WIDGET)
    given_by_guardian = forms.BooleanField(label=_("Согласие даёт законный представитель"), required=False)
    guardian_name = forms.CharField(label=_("ФИО законного представителя"), required=False, max_length=300)
    scan = forms.FileField(
        label=_("Скан согласия"),
        required=False,
        help_text=_("PDF, JPEG или PNG, не больше 10 МБ."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, participant: Participant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not participant.student_id:  # only students have legal guardians
            del self.fields["given_by_guardian"], self.fields["guardian_name"]
        elif participant.needs_guardian_on(timezone.localdate()):
            self.fields["given_by_guardian"].initial = True
            self.fields["guardian_name"].required = True
            self.fields["guardian_name"].initial = participant.student.guardian_name
            self.fields["guardian_name"].help_text = _(
                "Обучающемуся нет 18 лет: согласие подписывает родитель (законный представитель)."
            )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Дата отзыва"), initial=timezone.localdate, **DATE_WIDGET)


# --- Requests ------------------------------------------------------------------------------------


class PairRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text=_("Заявление увидят куратор и руководитель организации."),
    )


class DecisionForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("Удовлетворить")), (DECLINE, _("Отклонить"))])
    comment = forms.CharField(label=_("Комментарий к решению"), required=False, max_length=2000)
