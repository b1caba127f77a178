"""The REST API for council systems, on the council's own host under /api/.

| path | what |
|---|---|
| schema/ | the OpenAPI 3 document (docs/architecture.md contract; the same for every council) |
| docs/ | the document as browsable Swagger UI (its files served from here, never a CDN) |
| v1/… | the endpoints (api.views) |
| anything else | a JSON 404, like every other error here |
"""

from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import errors, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's stylesheet draws its icons from data: images; allowed on this page only.
    path(
        "docs/",
        csp_update({"img-src": ["'self'", "data:"]})(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("v1/children/", views.ChildList.as_view(), name="children"),
    path("v1/children/<int:pk>/", views.ChildDetail.as_view(), name="child"),
    path("v1/children/<int:pk>/return-details/", views.ChildReturnDetails.as_view(), name="child-return-details"),
    path("v1/children/<int:pk>/placements/", views.ChildPlacements.as_view(), name="child-placements"),
    path("v1/access-requests/", views.AccessRequestList.as_view(), name="access-requests"),
    path("v1/access-requests/<int:pk>/", views.AccessRequestDetail.as_view(), name="access-request"),
    path(
        "v1/access-requests/<int:pk>/decision/", views.AccessRequestDecision.as_view(), name="access-request-decision"
    ),
    path("v1/cases/", views.CaseList.as_view(), name="cases"),
    path("v1/cases/<int:pk>/", views.CaseDetail.as_view(), name="case"),
    path("v1/cases/<int:pk>/steps/", views.CaseStepRecord.as_view(), name="case-steps"),
    path("v1/cases/<int:pk>/documents/", views.CaseDocuments.as_view(), name="case-documents"),
    path("v1/cases/<int:pk>/messages/", views.CaseMessages.as_view(), name="case-messages"),
    path("v1/cases/<int:pk>/plan/", views.CasePlan.as_view(), name="case-plan"),
    path("v1/documents/", views.DocumentList.as_view(), name="documents"),
    path("v1/documents/<int:pk>/", views.DocumentDetail.as_view(), name="document"),
    path("v1/documents/<int:pk>/file/", views.DocumentFile.as_view(), name="document-file"),
    path("v1/documents/<int:pk>/share/", views.DocumentShare.as_view(), name="document-share"),
    path("v1/messages/", views.MessageList.as_view(), name="messages"),
    path("v1/advice-requests/", views.AdviceRequestList.as_view(), name="advice-requests"),
    path("v1/advice-requests/<int:pk>/", views.AdviceRequestDetail.as_view(), name="advice-request"),
    path("v1/form-submissions/", views.FormSubmissionList.as_view(), name="form-submissions"),
    path("v1/form-submissions/<int:pk>/", views.FormSubmissionDetail.as_view(), name="form-submission"),
    path("v1/form-submissions/<int:pk>/pdf/", views.FormSubmissionPdf.as_view(), name="form-submission-pdf"),
    path(
        "v1/form-submissions/<int:pk>/files/<int:file_id>/",
        views.FormSubmissionFile.as_view(),
        name="form-submission-file",
    ),
    path("v1/form-definitions/", views.FormDefinitionList.as_view(), name="form-definitions"),
    path("v1/form-definitions/<int:pk>/", views.FormDefinitionDetail.as_view(), name="form-definition"),
    re_path(r"^.*$", errors.not_found),
]
