"""Staff screens: children (being written)."""

urlpatterns: list = []
