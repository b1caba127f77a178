"""The family's SEND area, under /send/ on the council's host (namespace "family")."""

app_name = "family"

urlpatterns: list = []
