"""The form runner: families fill in the council's published forms (namespace "runner"),
under /send/forms/ on the council's host.

| name | path | what |
|---|---|---|
| index | "" | every child's forms: start, carry on, sent |
| start | children/<child>/<form slug>/start/ | before you start; POST starts (or finds) the draft |
| request-start | requests/<request>/<form slug>/start/ | the same, for a request sent before verification |
| tasks | drafts/<draft>/ | the task list |
| page | drafts/<draft>/pages/<page>/ | a page of questions, or a repeating group's list |
| item, item-remove | drafts/<draft>/pages/<page>/items/<n>/[remove/] | one item of a group |
| check | drafts/<draft>/check/ | check your answers |
| declaration | drafts/<draft>/declaration/ | the declaration; POST sends the form |
| delete | drafts/<draft>/delete/ | delete a draft |
| confirmation, submission-pdf | submissions/<submission>/[pdf/] | the reference, what happens next, the PDF |
"""

from django.urls import path

from citizen.runner import views

app_name = "runner"

urlpatterns = [
    path("", views.index, name="index"),
    path("children/<int:child_id>/<slug:slug>/start/", views.start, name="start"),
    path("requests/<int:access_request_id>/<slug:slug>/start/", views.request_start, name="request-start"),
    path("drafts/<int:draft_id>/", views.tasks, name="tasks"),
    path("drafts/<int:draft_id>/pages/<slug:page_id>/", views.page, name="page"),
    path("drafts/<int:draft_id>/pages/<slug:page_id>/items/<int:index>/", views.item, name="item"),
    path("drafts/<int:draft_id>/pages/<slug:page_id>/items/<int:index>/remove/", views.item_remove, name="item-remove"),
    path("drafts/<int:draft_id>/check/", views.check, name="check"),
    path("drafts/<int:draft_id>/declaration/", views.declaration, name="declaration"),
    path("drafts/<int:draft_id>/delete/", views.delete, name="delete"),
    path("submissions/<int:submission_id>/", views.confirmation, name="confirmation"),
    path("submissions/<int:submission_id>/pdf/", views.submission_pdf, name="submission-pdf"),
]
