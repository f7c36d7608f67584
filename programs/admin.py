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
