"""Staff screens: documents (being written)."""

urlpatterns: list = []
