"""The family's SEND area, under /send/ on the council's host (namespace "family"). The
area's home page is /send/ itself ("send-home", config.urls_council), named outside the
namespace because emails link to it.

| name | path (under /send/) |
|---|---|
| child-add | children/add/ |
| access-request | requests/<id>/ |
| child, child-seen | children/<id>/, children/<id>/who-has-seen/ |
| child-sharing, child-sharing-choose | children/<id>/sharing/, children/<id>/sharing/<access id>/ (young people) |
| case, case-reply, case-documents, case-messages, case-printed-copy | cases/<id>/… |
| case-plan, case-plan-comment, case-plan-pdf | cases/<id>/plan/[comment/?on=F.f1, versions/<n>/pdf/] |
| document-download | documents/<id>/download/ |
| child-trusted, child-trusted-invite, child-trusted-end | children/<id>/trusted/[invite/, <grant>/end/] |
| invitations, invitation | invitations/, invitations/<grant>/ (for the person invited) |
| alerts | emails/ |
"""

from django.urls import path

from citizen.views import alerts, cases, children, plans, records, trusted

app_name = "family"

urlpatterns = [
    path("children/add/", children.child_add, name="child-add"),
    path("requests/<int:access_request_id>/", children.access_request, name="access-request"),
    path("children/<int:child_id>/", children.child, name="child"),
    path("children/<int:child_id>/who-has-seen/", children.child_seen, name="child-seen"),
    path("children/<int:child_id>/records/", records.child_records, name="child-records"),
    path("children/<int:child_id>/records/<int:bundle_id>/", records.child_records_bundle, name="child-records-bundle"),
    path(
        "children/<int:child_id>/records/<int:bundle_id>/download/<str:token>/",
        records.child_records_download,
        name="child-records-download",
    ),
    path("children/<int:child_id>/sharing/", children.child_sharing, name="child-sharing"),
    path(
        "children/<int:child_id>/sharing/<int:access_id>/", children.child_sharing_choose, name="child-sharing-choose"
    ),
    path("children/<int:child_id>/trusted/", trusted.child_trusted, name="child-trusted"),
    path("children/<int:child_id>/trusted/invite/", trusted.child_trusted_invite, name="child-trusted-invite"),
    path("children/<int:child_id>/trusted/<int:grant_id>/end/", trusted.child_trusted_end, name="child-trusted-end"),
    path("invitations/", trusted.invitations, name="invitations"),
    path("invitations/<int:grant_id>/", trusted.invitation, name="invitation"),
    path("cases/<int:case_id>/", cases.case, name="case"),
    path("cases/<int:case_id>/reply/", cases.case_reply, name="case-reply"),
    path("cases/<int:case_id>/plan/", plans.case_plan, name="case-plan"),
    path("cases/<int:case_id>/plan/comment/", plans.case_plan_comment, name="case-plan-comment"),
    path("cases/<int:case_id>/plan/versions/<int:number>/pdf/", plans.case_plan_pdf, name="case-plan-pdf"),
    path("cases/<int:case_id>/documents/", cases.case_documents, name="case-documents"),
    path("cases/<int:case_id>/messages/", cases.case_messages, name="case-messages"),
    path("cases/<int:case_id>/printed-copy/", cases.case_printed_copy, name="case-printed-copy"),
    path("documents/<int:document_id>/download/", cases.document_download, name="document-download"),
    path("emails/", alerts.alerts, name="alerts"),
]
