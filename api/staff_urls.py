"""Council settings → API clients, under /staff/settings/api-clients/ (namespace "api-clients")."""

from django.urls import path

from api import staff_views

app_name = "api-clients"

urlpatterns = [
    path("", staff_views.client_list, name="list"),
    path("add/", staff_views.client_add, name="add"),
    path("<int:client_id>/", staff_views.client_detail, name="detail"),
    path("<int:client_id>/revoke/", staff_views.client_revoke, name="revoke"),
]
