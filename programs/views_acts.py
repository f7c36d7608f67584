"""Pages of the register of local acts and of the public page's news.

The register shows the seven acts the municipal monitoring checks, each approved in the system,
registered from outside (adopted before Nastavnik: number, date, scan) or missing, on today's date
or another. The director, the curator and the psychologist read it; the director and the curator
register, correct and delete external acts, download their scans, and write the news of the
public page «Наставничество». Writes go through ``programs.services.acts``; objects come from
scoped querysets, so another school's id is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programs import selectors_acts, selectors_public
from programs.forms_acts import AsOfForm, ExternalActForm, NewsForm
from programs.forms_pairs import add_service_error
from programs.models import ExternalAct, RequiredAct, SchoolNews
from programs.services import acts as services
from schools import audit
from schools.models import SCHOOL_MANAGERS, SCHOOL_READERS
from schools.tenancy import role_required

READERS = SCHOOL_READERS
MANAGERS = SCHOOL_MANAGERS
GET_POST = require_http_methods(["GET", "POST"])
IMPORT_KIND = "documents"


def _public_url(request: HttpRequest) -> str:
    return reverse("public:school", kwargs={"code": request.tenant.school.code})


# --- The register --------------------------------------------------------------------------------


@role_required(*READERS)
@require_GET
def act_register(request: HttpRequest) -> HttpResponse:
    """The seven required acts on a date (today by default), and the acts registered from outside."""
    school = request.tenant.school
    today = timezone.localdate()
    form = AsOfForm(request.GET or None, initial={"on": today})
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or today
    items = selectors_acts.act_register([school.pk], on).get(school.pk, [])
    counted = {item.external_id for item in items if item.external_id}
    order = {value: index for index, value in enumerate(RequiredAct.values)}
    external = sorted(
        ExternalAct.objects.all(),
        key=lambda act: (order.get(act.requirement, 99), -act.adopted_on.toordinal()),
    )
    return TemplateResponse(
        request,
        "programs/acts/register.html",
        {
            "items": items,
            "summary": selectors_acts.summarize(items),
            "on": on,
            "is_today": on == today,
            "form": form,
            "external_acts": external,
            "counted": counted,
            "can_manage": request.tenant.has_role(*MANAGERS),
            "public_url": _public_url(request),
            "public_enabled": selectors_public.public_page_enabled(school),
            "import_kind": IMPORT_KIND,
        },
    )


def _act_form_page(request: HttpRequest, form: ExternalActForm, act: ExternalAct | None) -> HttpResponse:
    return TemplateResponse(request, "programs/acts/external_form.html", {"form": form, "act": act})


@role_required(*MANAGERS)
@GET_POST
def act_external_create(request: HttpRequest) -> HttpResponse:
    """«Зарегистрировать принятый ранее документ»; ``?requirement=`` preselects the item."""
    initial = {}
    if request.GET.get("requirement") in RequiredAct.values:
        initial["requirement"] = request.GET["requirement"]
    form = ExternalActForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.act_fields()
        try:
            act = services.create_external_act(
                school=request.tenant.school, acting_user=request.user, **fields
            )
        except services.ActError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Документ «%(name)s» внесён в реестр локальных актов.") % {"name": act}
            )
            return redirect("programs:act-register")
    return _act_form_page(request, form, None)


@role_required(*MANAGERS)
@GET_POST
def act_external_edit(request: HttpRequest, pk: int) -> HttpResponse:
    act = get_object_or_404(ExternalAct.objects.all(), pk=pk)
    form = ExternalActForm(request.POST or None, request.FILES or None, act=act)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_external_act(act=act, acting_user=request.user, **form.act_fields())
        except services.ActError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("programs:act-register")
    return _act_form_page(request, form, act)


@role_required(*MANAGERS)
@GET_POST
def act_external_delete(request: HttpRequest, pk: int) -> HttpResponse:
    act = get_object_or_404(ExternalAct.objects.all(), pk=pk)
    if request.method == "POST":
        services.delete_external_act(act=act, acting_user=request.user)
        messages.success(request, _("Документ «%(name)s» удалён из реестра.") % {"name": act})
        return redirect("programs:act-register")
    return TemplateResponse(request, "programs/acts/external_delete.html", {"act": act})


@role_required(*MANAGERS)
@require_GET
def act_external_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan, streamed after a scoped lookup: scans are never reachable by a /media/ URL."""
    act = get_object_or_404(ExternalAct.objects.all(), pk=pk)
    if not act.scan:
        raise Http404
    try:
        handle = act.scan.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = act.scan.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"akt-{act.pk}.{extension}",
        content_type=services.CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return audit.describe_file(response, act)


# --- News of the public page ---------------------------------------------------------------------


@role_required(*MANAGERS)
@GET_POST
def news_list(request: HttpRequest) -> HttpResponse:
    """The school's news, newest first, with the form of a new one."""
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            news = services.create_news(
                school=request.tenant.school, acting_user=request.user, **form.news_fields()
            )
        except services.ActError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Новость «%(title)s» сохранена.") % {"title": news.title})
            return redirect("programs:news-list")
    school = request.tenant.school
    return TemplateResponse(
        request,
        "programs/acts/news_list.html",
        {
            "form": form,
            "news": list(SchoolNews.objects.order_by("-published_on", "-pk")),
            "today": timezone.localdate(),
            "public_url": _public_url(request),
            "public_enabled": selectors_public.public_page_enabled(school),
        },
    )


@role_required(*MANAGERS)
@GET_POST
def news_edit(request: HttpRequest, pk: int) -> HttpResponse:
    news = get_object_or_404(SchoolNews.objects.all(), pk=pk)
    form = NewsForm(request.POST or None, instance=news)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_news(news=news, acting_user=request.user, **form.news_fields())
        except services.ActError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("programs:news-list")
    return TemplateResponse(request, "programs/acts/news_form.html", {"form": form, "news": news})


@role_required(*MANAGERS)
@GET_POST
def news_delete(request: HttpRequest, pk: int) -> HttpResponse:
    news = get_object_or_404(SchoolNews.objects.all(), pk=pk)
    if request.method == "POST":
        services.delete_news(news=news, acting_user=request.user)
        messages.success(request, _("Новость «%(title)s» удалена.") % {"title": news.title})
        return redirect("programs:news-list")
    return TemplateResponse(request, "programs/acts/news_delete.html", {"news": news})
