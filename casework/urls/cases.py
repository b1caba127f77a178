"""Staff screens: the caseload, case pages and their steps, opening a case, the dashboard."""

from django.urls import path

from casework.views import cases as views
from casework.views import plans

urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("cases/<int:case_id>/", views.case_view, name="case"),
    path("cases/<int:case_id>/steps/new/", views.case_step, name="case-step"),
    path("cases/<int:case_id>/steps/<int:milestone_id>/correct/", views.case_step_correct, name="case-step-correct"),
    path("cases/<int:case_id>/exceptions/new/", views.case_exception, name="case-exception"),
    path("cases/<int:case_id>/advice/new/", views.case_advice, name="case-advice"),
    path("cases/<int:case_id>/advice/ask/", views.case_advice_ask, name="case-advice-ask"),
    path(
        "cases/<int:case_id>/advice/<int:advice_id>/received/",
        views.case_advice_received,
        name="case-advice-received",
    ),
    path("cases/<int:case_id>/caseworker/", views.case_caseworker, name="case-caseworker"),
    path("cases/<int:case_id>/review-setting/", views.case_review_setting, name="case-review-setting"),
    path("cases/<int:case_id>/plan/", plans.plan_view, name="case-plan"),
    path("cases/<int:case_id>/plan/versions/<int:number>/pdf/", plans.plan_pdf, name="case-plan-pdf"),
    path("cases/<int:case_id>/plan/issue/", plans.plan_issue_view, name="case-plan-issue"),
    path("cases/<int:case_id>/plan/comments/<int:comment_id>/", plans.plan_comment, name="case-plan-comment"),
    path("cases/<int:case_id>/plan/<str:section>/", plans.plan_section, name="case-plan-section"),  # after issue/
    path("children/<int:child_id>/cases/new/", views.case_new, name="case-new"),
]
