"""The SEND team's screens, on the council's own host under /staff/ (namespace "staff")."""

from django.urls import include, path

app_name = "staff"

urlpatterns = [
    path("", include("casework.urls.cases")),  # caseload, case pages, steps, dashboard
    path("", include("casework.urls.children")),  # children, access requests
    path("", include("casework.urls.documents")),  # documents and messages on a case
    path("", include("casework.urls.team")),  # invitations, team, council settings
    path("", include("casework.urls.forms")),  # form definitions and submissions
    path("", include("casework.urls.returns")),  # the SEN2 return, a child's details for it
]
