"""Views of the register of local acts (placeholder, replaced by the register UI)."""

from django.http import Http404


def act_register(request):
    raise Http404


def news_list(request):
    raise Http404
