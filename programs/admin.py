"""Admin registrations: platform administrators extend the catalogs of the target model here."""

from django.contrib import admin

from programs.models import DifficultyArea, MentoringForm, MentoringKind, RoleModel


class CatalogAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]


@admin.register(MentoringForm)
class MentoringFormAdmin(CatalogAdmin):
    list_display = ["name", "code", "mentor_kind", "mentee_kind", "order", "is_active"]


admin.site.register(RoleModel, CatalogAdmin)
admin.site.register(MentoringKind, CatalogAdmin)
admin.site.register(DifficultyArea, CatalogAdmin)


# --- Program templates (issue 4): the library a curator starts a pair's program from --------------

from django.utils.translation import gettext_lazy as _  # noqa: E402

from programs.models import ProgramTemplate, ProgramTemplateActivity  # noqa: E402


class ProgramTemplateActivityInline(admin.TabularInline):
    model = ProgramTemplateActivity
    extra = 1
    fields = ["month", "order", "title", "activity_type", "area", "responsible", "expected_product"]
    ordering = ["month", "order"]


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(admin.ModelAdmin):
    """Platform administrators extend the library; a template is never copied back into programs."""

    list_display = ["title", "form", "role_model", "duration_months", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["title", "code", "situation"]
    prepopulated_fields = {"code": ["title"]}
    inlines = [ProgramTemplateActivityInline]
    fieldsets = [
        (None, {"fields": ["title", "code", "form", "role_model", "duration_months", "order", "is_active"]}),
        (_("Содержание"), {"fields": ["situation", "goal", "expected_results", "directions"]}),
    ]
