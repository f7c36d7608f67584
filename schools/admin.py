"""Model registrations of the Django admin (the site itself is schools.admin_site)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from schools.models import AuditEntry, Job, Membership, Municipality, Region, School, Staff, User

admin_site = admin.site  # replaced by NastavnikAdminSite through schools.apps.NastavnikAdminConfig


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "kind", "municipality", "district", "is_active"]
    list_filter = ["kind", "is_active", "municipality__region", "municipality"]
    search_fields = ["short_name", "full_name", "code"]
    list_select_related = ["municipality"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school", "municipality", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Персональные данные"), {"fields": ("last_name", "first_name", "patronymic", "email")}),
        (_("Права"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Даты"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "last_name", "first_name", "patronymic", "email", "is_active", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "municipality", "region", "is_active", "for_network_pairs"]
    list_filter = ["role", "is_active", "for_network_pairs"]
    search_fields = ["user__username", "user__last_name", "school__short_name"]
    autocomplete_fields = ["user", "school", "municipality", "region"]
    list_select_related = ["user", "school", "municipality", "region"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "patronymic", "position", "school", "experience_years"]
    list_filter = ["employment_status", "qualification_category", "school__municipality"]
    search_fields = ["last_name", "first_name", "school__short_name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school", "user"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The job table, read-only: what ran, where, how many times, and why it failed (docs/jobs.md)."""

    list_display = [
        "kind",
        "state",
        "attempts",
        "school",
        "municipality",
        "created_at",
        "finished_at",
        "worker",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["task_id", "kind", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["school", "municipality"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


# The audit trail is read on the page «Журнал действий»; here it is a read-only list. django-auditlog
# registers its own admin for the entry model, which expects every entry to have an object type.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "timestamp",
        "action",
        "outcome",
        "school",
        "actor",
        "actor_role",
        "object_repr",
        "remote_addr",
    ]
    list_filter = ["action", "outcome", "actor_role"]
    search_fields = ["object_repr", "actor__username", "actor__last_name"]
    list_select_related = ["school", "actor"]
    date_hierarchy = "timestamp"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
