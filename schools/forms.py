"""Forms of the accounts and school screens."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from schools.models import EmploymentStatus
from schools.tasks import send_email


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Логин или e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Неверный логин (e-mail) или пароль. Проверьте раскладку клавиатуры и Caps Lock."),
        "inactive": _("Учётная запись отключена. Обратитесь к куратору или администратору."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset letter through Celery, so the page does not wait for the mail server."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        )
        send_email.delay(subject, body, [to_email], html)


class StaffFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("ФИО, должность, предмет")}),
    )
    status = forms.ChoiceField(
        label=_("Статус"), required=False, choices=[("", _("Все")), *EmploymentStatus.choices]
    )
    young = forms.BooleanField(label=_("Только молодые специалисты"), required=False)
