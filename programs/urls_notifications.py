"""URLs of the notifications area (included by programs/urls.py)."""

urlpatterns: list = []
