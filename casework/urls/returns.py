"""Staff screens: the SEN2 return (council admins), and a child's details for it (the SEND team)."""

from django.urls import path

from casework.views import sen2 as views

urlpatterns = [
    path("sen2/", views.sen2_index, name="sen2"),
    path("sen2/<int:run_id>/", views.sen2_run, name="sen2-run"),
    path("sen2/<int:run_id>/return.<slug:kind>", views.sen2_download, name="sen2-download"),
    path("children/<int:child_id>/return-details/", views.child_return_details, name="child-return-details"),
    path("children/<int:child_id>/placements/", views.child_placement_add, name="child-placement-add"),
    path(
        "children/<int:child_id>/placements/<int:placement_id>/remove/",
        views.child_placement_remove,
        name="child-placement-remove",
    ),
]
