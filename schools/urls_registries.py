"""URLs of the registries: staff editing, students, partners, imports and exports."""

urlpatterns: list = []
