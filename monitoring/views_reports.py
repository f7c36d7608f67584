"""Views of reports (placeholder, replaced by the reports UI)."""

from django.http import Http404


def report_index(request):
    raise Http404
