"""Staff screens: a case's documents and its message thread (casework.views.documents)."""

from django.urls import path

from casework.views import documents

urlpatterns = [
    path("cases/<int:case_id>/documents/upload/", documents.document_upload, name="document-upload"),
    path("documents/<int:document_id>/download/", documents.document_download, name="document-download"),
    path("documents/<int:document_id>/share/", documents.document_share, name="document-share"),
    path("documents/<int:document_id>/withdraw/", documents.document_withdraw, name="document-withdraw"),
    path("cases/<int:case_id>/messages/", documents.message_post, name="message-post"),
]
