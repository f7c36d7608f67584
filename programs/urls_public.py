"""The public page «Наставничество» of each school, without login (``nastavnichestvo/``)."""

urlpatterns: list = []
