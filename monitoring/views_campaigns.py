"""Views of monitoring campaigns (placeholder, replaced by the campaigns UI)."""

from django.http import Http404


def campaign_list(request):
    raise Http404
