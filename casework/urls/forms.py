"""Staff screens: the council's form definitions (council admins) and submissions."""

urlpatterns: list = []
