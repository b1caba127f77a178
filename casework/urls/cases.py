"""Staff screens: cases (being written)."""

urlpatterns: list = []
