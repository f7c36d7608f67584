"""Views of dashboards (placeholder, replaced by the dashboards UI)."""

from django.http import Http404


def dashboard(request):
    raise Http404
