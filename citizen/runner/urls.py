"""The form runner: families fill in the council's published forms (namespace "runner")."""

app_name = "runner"

urlpatterns: list = []
