"""Forms of the journal screens.

Forms only parse input; the rules (no future dates, the activity of the pair's own program,
accepted files) live in programs/services/journal.py, whose errors come back on the fields with
``add_service_error``.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programs.models import ActivityStatus, JournalAttachment, PlanActivity
from programs.services.journal import ACCEPT, EntryData


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the cleaned value is a list (possibly empty)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("allow_empty_file", True)  # the service refuses it, naming the file
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanActivity) -> str:
        label = f"{date_format(obj.due_date, 'SHORT_DATE_FORMAT')} — {obj.title}"
        if obj.status != ActivityStatus.PLANNED:
            label += f" ({obj.get_status_display()})"
        return label


class JournalEntryForm(forms.Form):
    date = forms.DateField(label=_("Дата"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    topic = forms.CharField(label=_("Тема"), max_length=300)
    content = forms.CharField(
        label=_("Содержание"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    result = forms.CharField(
        label=_("Результат"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    assignment = forms.CharField(
        label=_("Задание к следующей встрече"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    activity = ActivityChoiceField(
        label=_("Мероприятие плана"),
        queryset=PlanActivity.objects.none(),
        required=False,
        empty_label=_("не связано с планом"),
    )
    mark_done = forms.BooleanField(label=_("Отметить мероприятие выполненным"), required=False)
    files = MultipleFileField(
        label=_("Файлы"),
        required=False,
        help_text=_(
            "До 5 файлов к записи, каждый не больше 10 МБ: PDF, DOCX, XLSX, PPTX, JPEG, PNG или TXT."
        ),
    )
    remove = forms.ModelMultipleChoiceField(
        label=_("Удалить файлы"),
        queryset=JournalAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args,
        activities: QuerySet[PlanActivity],
        attachments: QuerySet[JournalAttachment] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        self.fields["date"].initial = today
        self.fields["activity"].queryset = activities
        if attachments is None:
            del self.fields["remove"]
        else:
            self.fields["remove"].queryset = attachments

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            date=data["date"],
            topic=data["topic"],
            content=data["content"],
            result=data.get("result", ""),
            assignment=data.get("assignment", ""),
            activity=data.get("activity"),
            mark_done=data.get("mark_done", False),
        )


class JournalFilterForm(forms.Form):
    activity = ActivityChoiceField(
        label=_("Мероприятие плана"),
        queryset=PlanActivity.objects.none(),
        required=False,
        empty_label=_("все записи"),
    )

    def __init__(self, *args, activities: QuerySet[PlanActivity], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
