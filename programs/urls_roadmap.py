"""URLs of the roadmap area (included by programs/urls.py)."""

urlpatterns: list = []
