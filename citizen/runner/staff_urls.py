"""The staff preview of a form version, under /staff/ in the "staff" namespace beside
casework's own form screens (config/urls_council.py joins the two lists)."""

from django.urls import path

from . import staff_preview as views

PREVIEW = "settings/forms/<int:variant_id>/versions/<int:version_id>/preview/"

urlpatterns = [
    path(PREVIEW, views.preview_tasks, name="settings-form-preview"),
    path(f"{PREVIEW}restart/", views.preview_restart, name="settings-form-preview-restart"),
    path(f"{PREVIEW}pages/<slug:page_id>/", views.preview_page, name="settings-form-preview-page"),
    path(f"{PREVIEW}pages/<slug:page_id>/items/<int:index>/", views.preview_item, name="settings-form-preview-item"),
    path(
        f"{PREVIEW}pages/<slug:page_id>/items/<int:index>/remove/",
        views.preview_item_remove,
        name="settings-form-preview-item-remove",
    ),
    path(f"{PREVIEW}check/", views.preview_check, name="settings-form-preview-check"),
    path(f"{PREVIEW}declaration/", views.preview_declaration, name="settings-form-preview-declaration"),
]
