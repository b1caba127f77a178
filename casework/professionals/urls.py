"""The professionals' screens, on the council's host under /professionals/ (namespace
"professionals").

| name | path | who |
|---|---|---|
| invitation | invitations/<token>/ | anyone with the emailed link |
| tray, advice, advice-take, advice-send, advice-decline, advice-document | … | the request's organisation's people |
| review, review-step, review-report-* | reviews/<case id>/… | the people of the organisation running that review |
| review-open | reviews/open/<child id>/ | the child's setting, where the council lets settings open reviews |
| people, member-remove, invitation-withdraw | organisations/<id>/… | that organisation's admins |
"""

from django.urls import path

from . import views

app_name = "professionals"

urlpatterns = [
    path("", views.tray, name="tray"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("advice/<int:advice_id>/", views.advice, name="advice"),
    path("advice/<int:advice_id>/take/", views.advice_take_view, name="advice-take"),
    path("advice/<int:advice_id>/send/", views.advice_send_view, name="advice-send"),
    path("advice/<int:advice_id>/decline/", views.advice_decline_view, name="advice-decline"),
    path("advice/<int:advice_id>/documents/<int:document_id>/", views.advice_document, name="advice-document"),
    path("advice/<int:advice_id>/form/", views.advice_form_start, name="advice-form-start"),
    path("advice/<int:advice_id>/form/tasks/", views.advice_form_tasks, name="advice-form-tasks"),
    path("advice/<int:advice_id>/form/pages/<str:page_id>/", views.advice_form_page, name="advice-form-page"),
    path(
        "advice/<int:advice_id>/form/items/<str:page_id>/<int:index>/",
        views.advice_form_item,
        name="advice-form-item",
    ),
    path(
        "advice/<int:advice_id>/form/items/<str:page_id>/<int:index>/remove/",
        views.advice_form_item_remove,
        name="advice-form-item-remove",
    ),
    path("advice/<int:advice_id>/form/check/", views.advice_form_check, name="advice-form-check"),
    path("advice/<int:advice_id>/form/send/", views.advice_form_send_view, name="advice-form-send"),
    path("reviews/open/<int:child_id>/", views.review_open, name="review-open"),
    path("reviews/<int:case_id>/", views.review, name="review"),
    path("reviews/<int:case_id>/steps/<str:key>/", views.review_step, name="review-step"),
    path("reviews/<int:case_id>/report/", views.review_report_start, name="review-report-start"),
    path("reviews/<int:case_id>/report/tasks/", views.review_report_tasks, name="review-report-tasks"),
    path("reviews/<int:case_id>/report/pages/<str:page_id>/", views.review_report_page, name="review-report-page"),
    path(
        "reviews/<int:case_id>/report/items/<str:page_id>/<int:index>/",
        views.review_report_item,
        name="review-report-item",
    ),
    path(
        "reviews/<int:case_id>/report/items/<str:page_id>/<int:index>/remove/",
        views.review_report_item_remove,
        name="review-report-item-remove",
    ),
    path("reviews/<int:case_id>/report/check/", views.review_report_check, name="review-report-check"),
    path("reviews/<int:case_id>/report/send/", views.review_report_send, name="review-report-send"),
    path("organisations/<int:organisation_id>/people/", views.people, name="people"),
    path(
        "organisations/<int:organisation_id>/people/<int:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        "organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
]
