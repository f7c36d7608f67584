"""Forms of the register of local acts and of the public page's news.

Forms only parse input; the rules (no future date, an address for the website, accepted scans)
live in programs/services/acts.py, whose errors come back on the fields with ``add_service_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import ExternalAct, RequiredAct, SchoolNews
from programs.services.acts import SCAN_ACCEPT

DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


class AsOfForm(forms.Form):
    """«На дату»: the register as it stood on a past day (a monitoring date, say)."""

    on = forms.DateField(
        label=_("На дату"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )


class ExternalActForm(forms.Form):
    """«Зарегистрировать принятый ранее документ»: number, date and a scan of an act adopted outside."""

    requirement = forms.ChoiceField(label=_("Документ"), choices=RequiredAct.choices)
    title = forms.CharField(
        label=_("Наименование"),
        required=False,
        max_length=500,
        help_text=_("Как в самом документе; пусто — название обязательного документа"),
    )
    number = forms.CharField(label=_("Номер"), required=False, max_length=40)
    adopted_on = forms.DateField(
        label=_("Дата принятия"),
        widget=forms.DateInput(**DATE_WIDGET),
        error_messages={"required": _("Укажите дату принятия документа.")},
    )
    url = forms.URLField(
        label=_("Ссылка"),
        required=False,
        assume_scheme="https",
        help_text=_("Для раздела «Наставничество» на сайте — адрес страницы (обязательно)"),
    )
    scan = forms.FileField(
        label=_("Скан"),
        required=False,
        allow_empty_file=True,  # the service refuses it with its own message
        widget=forms.FileInput(attrs={"accept": SCAN_ACCEPT}),
        help_text=_("PDF, JPEG или PNG, не больше 10 МБ"),
    )
    remove_scan = forms.BooleanField(label=_("Удалить прикреплённый скан"), required=False)
    note = forms.CharField(label=_("Примечание"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, act: ExternalAct | None = None, **kwargs: Any) -> None:
        if act is not None:
            kwargs.setdefault(
                "initial",
                {
                    "requirement": act.requirement,
                    "title": act.title,
                    "number": act.number,
                    "adopted_on": act.adopted_on,
                    "url": act.url,
                    "note": act.note,
                },
            )
        super().__init__(*args, **kwargs)
        if act is None or not act.scan:
            del self.fields["remove_scan"]

    def act_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data.get(name) for name in ("requirement", "title", "number", "adopted_on", "url", "note")
        }
        fields["scan"] = data.get("scan") or None
        if "remove_scan" in self.fields:
            fields["remove_scan"] = bool(data.get("remove_scan"))
        return fields


class NewsForm(forms.ModelForm):
    class Meta:
        model = SchoolNews
        fields = ["title", "published_on", "body", "is_published"]
        widgets = {
            "published_on": forms.DateInput(**DATE_WIDGET),
            "body": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "body": _("Обычный текст; абзацы разделяйте пустой строкой"),
            "published_on": _("Новость с будущей датой появится на странице в этот день"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["published_on"].initial = timezone.localdate()

    def _post_clean(self) -> None:
        # The service saves the news item (and checks it again).
        pass

    def news_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
