"""URLs of the diagnostics area (included by programs/urls.py)."""

urlpatterns: list = []
