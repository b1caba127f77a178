"""DEBUG-only pages (never routed otherwise: config.urls_council)."""

from django.urls import path

from casework import dev_views

urlpatterns = [
    path("outbox/", dev_views.outbox, name="dev-outbox"),
    path("outbox.json", dev_views.outbox_json, name="dev-outbox-json"),
]
