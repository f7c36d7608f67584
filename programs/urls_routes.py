"""URLs of the routes area (included by programs/urls.py)."""

urlpatterns: list = []
