"""URLs of rendered files of documents: start a rendering, poll it, download (``documents/files/``)."""

urlpatterns: list = []
