"""Staff screens: team (being written)."""

urlpatterns: list = []
