"""The platform's own site (PLATFORM_DOMAIN): the operators' admin."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "SEND Citizen Portal platform"
admin.site.site_title = "SEND platform"
admin.site.index_title = "Councils and platform operations"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
