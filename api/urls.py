"""The REST API for council systems, on the council's own host under /api/."""

urlpatterns: list = []
