"""URLs of the mentors area (included by programs/urls.py)."""

urlpatterns: list = []
