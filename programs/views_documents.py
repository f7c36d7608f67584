"""Views of local acts (placeholder, replaced by the documents UI)."""

from django.http import Http404


def document_list(request):
    raise Http404


def document_queue(request):
    raise Http404


def mentoring_settings(request):
    raise Http404
