"""Forms of the personal-data pages: the typed confirmation of anonymisation and the withdrawal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AnonymiseForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Введите фамилию, имя и отчество человека"),
        max_length=500,
        help_text=_("Обезличивание необратимо: так вы подтверждаете, что выбрали нужного человека."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Дата отзыва"),
        initial=timezone.localdate,
        widget=DATE_WIDGET,
        help_text=_("Дата, когда в организацию поступил отзыв согласия."),
    )
    given_on = forms.DateField(
        label=_("Дата согласия"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Нужна, только если согласие на обработку персональных данных не было отмечено в системе. "
            "Если дата неизвестна, оставьте поле пустым."
        ),
    )
