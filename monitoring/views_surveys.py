"""Views of surveys (placeholder, replaced by the surveys UI)."""

from django.http import Http404


def my_surveys(request):
    raise Http404


def survey_results(request):
    raise Http404
