"""URLs of the programs area (included by programs/urls.py)."""

urlpatterns: list = []
