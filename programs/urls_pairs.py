"""URLs of the pairs area (included by programs/urls.py)."""

urlpatterns: list = []
