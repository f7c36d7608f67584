"""URLs of the journal area (included by programs/urls.py)."""

urlpatterns: list = []
