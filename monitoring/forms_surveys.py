"""The form of a questionnaire, built from its definition in ``monitoring.surveys``.

Nothing is required at the form level: ``services_surveys.clean_answers`` checks the answers and
names the question in every message, and the view puts those messages on the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.services_surveys import TEXT_MAX_LENGTH
from monitoring.surveys import Questionnaire


class SurveyForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("Заполнить анонимно"),
        required=False,
        help_text=_(
            "Анкета сохранится без связи с вашей учётной записью: ни куратор, ни руководитель, ни "
            "администратор системы не узнают, что её заполнили вы. Повторно заполнить анкету всё равно "
            "не получится — система хранит только необратимый ключ, по которому нельзя восстановить имя."
        ),
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions:
            if question.is_scale:
                self.fields[question.code] = forms.ChoiceField(
                    label=question.text,
                    choices=questionnaire.scale_choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
            else:
                self.fields[question.code] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[question.code].is_required_question = question.required

    def answers(self) -> dict[str, Any]:
        return {q.code: self.cleaned_data.get(q.code) for q in self.questionnaire.questions}

    def scale_fields(self) -> list[forms.BoundField]:
        return [self[q.code] for q in self.questionnaire.scale_questions]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[q.code] for q in self.questionnaire.text_questions]
