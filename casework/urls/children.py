"""Staff screens: children, and access to their records (the verification queue)."""

from django.urls import path

from casework.views import children as views
from casework.views import trusted

urlpatterns = [
    path("access-requests/", views.access_requests, name="access-requests"),
    path("access-requests/<int:access_request_id>/", views.access_request, name="access-request"),
    path(
        "access-evidence/<int:evidence_id>/download/",
        views.access_evidence_download,
        name="access-evidence-download",
    ),
    path("trusted-people/", trusted.trusted_queue, name="trusted-queue"),
    path("trusted-people/<int:grant_id>/", trusted.trusted_grant, name="trusted-grant"),
    path("children/", views.children, name="children"),
    path("children/new/", views.child_new, name="child-new"),
    path("children/<int:child_id>/", views.child, name="child"),
    path("children/<int:child_id>/bundle/", views.child_bundle, name="child-bundle"),
    path("children/<int:child_id>/bundles/<int:bundle_id>/", views.child_bundle_status, name="child-bundle-status"),
    path(
        "children/<int:child_id>/bundles/<int:bundle_id>/download/<str:token>/",
        views.child_bundle_download,
        name="child-bundle-download",
    ),
    path(
        "children/<int:child_id>/access/<int:access_id>/remove/",
        views.child_access_revoke_view,
        name="child-access-revoke",
    ),
]
