"""Staff screens: the council's form definitions (council admins) and submissions.

Council admins (COUNCIL_SETTINGS), under settings/forms/: the list and a new form; a
form (<form>/), offering it or not; a version (<form>/versions/<version>/) and its edit,
check (JSON), definition.json, publish and delete pages; its editor (build/: the outline,
settings, a section, page or question, a new question, removing one); its preview (…/preview/: the
task list, pages/<page>/, items, check/, declaration/, restart/) is the family's runner,
routed from citizen/runner/staff_urls.py into this same namespace.

The SEND team (CASEWORK): submissions/<submission>/, its pdf/ and files/<file>/.
"""

from django.urls import path

from casework.views import form_editor as build
from casework.views import forms as views

VERSION = "settings/forms/<int:variant_id>/versions/<int:version_id>/"

urlpatterns = [
    path("settings/forms/", views.forms_list, name="settings-forms"),
    path("settings/forms/new/", views.form_new, name="settings-form-new"),
    path("settings/forms/<int:variant_id>/", views.form_detail, name="settings-form"),
    path("settings/forms/<int:variant_id>/offer/", views.form_offer, name="settings-form-offer"),
    path("settings/forms/<int:variant_id>/delete/", views.form_delete, name="settings-form-delete"),
    path(VERSION, views.version_detail, name="settings-form-version"),
    path(f"{VERSION}edit/", views.version_edit, name="settings-form-version-edit"),
    path(f"{VERSION}check/", views.version_check, name="settings-form-version-check"),
    path(f"{VERSION}definition.json", views.version_json, name="settings-form-version-json"),
    path(f"{VERSION}publish/", views.version_publish, name="settings-form-version-publish"),
    path(f"{VERSION}delete/", views.version_delete, name="settings-form-version-delete"),
    # The form editor: the outline and a screen per part (casework/views/form_editor.py).
    path(f"{VERSION}build/", build.build, name="settings-form-build"),
    path(f"{VERSION}build/settings/", build.build_settings, name="settings-form-build-settings"),
    path(f"{VERSION}build/sections/<slug:section_id>/", build.build_section, name="settings-form-build-section"),
    path(f"{VERSION}build/pages/<slug:page_id>/", build.build_page, name="settings-form-build-page"),
    path(f"{VERSION}build/questions/new/", build.build_question_new, name="settings-form-build-question-new"),
    path(f"{VERSION}build/questions/<slug:question_id>/", build.build_question, name="settings-form-build-question"),
    path(f"{VERSION}build/remove/<slug:kind>/<slug:item_id>/", build.build_remove, name="settings-form-build-remove"),
    path("submissions/<int:submission_id>/", views.submission, name="submission"),
    path("submissions/<int:submission_id>/pdf/", views.submission_pdf, name="submission-pdf"),
    path(
        "submissions/<int:submission_id>/files/<int:file_id>/", views.submission_file_download, name="submission-file"
    ),
]
