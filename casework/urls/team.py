"""Staff screens: invitations, the team and the council's settings.

| name | path (under /staff/) | who |
|---|---|---|
| invitation | invitations/<token>/ | anyone with the emailed link |
| team, team-invite, team-role, team-deactivate, team-reactivate, team-invitation-withdraw | team/… | MANAGE_TEAM |
| settings and settings-… | settings/… | COUNCIL_SETTINGS |
| organisations, organisation-add, organisation | organisations/… | COUNCIL_SETTINGS |
"""

from django.urls import path

from casework.views import organisations, settings, team


def row_pages(section: settings.RowSection, folder: str, *, with_list: bool = True) -> list:
    """The list, add, change and remove pages of one kind of council row."""
    kwargs = {"section": section}
    pages = [
        path(f"settings/{folder}/add/", settings.row_edit, kwargs, name=f"{section.url_name}-add"),
        path(f"settings/{folder}/<int:row_id>/", settings.row_edit, kwargs, name=f"{section.url_name}-change"),
        path(f"settings/{folder}/<int:row_id>/remove/", settings.row_remove, kwargs, name=f"{section.url_name}-remove"),
    ]
    if with_list:
        pages.insert(0, path(f"settings/{folder}/", settings.rows_list, kwargs, name=f"{section.url_name}s"))
    return pages


urlpatterns = [
    path("invitations/<str:token>/", team.invitation, name="invitation"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.team_invite, name="team-invite"),
    path("team/<int:member_id>/role/", team.team_role, name="team-role"),
    path("team/<int:member_id>/deactivate/", team.team_deactivate, name="team-deactivate"),
    path("team/<int:member_id>/reactivate/", team.team_reactivate, name="team-reactivate"),
    path(
        "team/invitations/<int:invitation_id>/withdraw/",
        team.team_invitation_withdraw,
        name="team-invitation-withdraw",
    ),
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/add/", organisations.organisation_add, name="organisation-add"),
    path("organisations/<int:organisation_id>/", organisations.organisation, name="organisation"),
    path("settings/", settings.hub, name="settings"),
    path("settings/emails/", settings.sender, name="settings-sender"),
    path("settings/contacts/", settings.contacts, name="settings-contacts"),
    path("settings/logo/", settings.logo, name="settings-logo"),
    path("settings/logo/remove/", settings.logo_remove, name="settings-logo-remove"),
    path("settings/colour/", settings.colour, name="settings-colour"),
    path("settings/feedback/", settings.feedback, name="settings-feedback"),
    path("settings/texts/", settings.texts, name="settings-texts"),
    path("settings/plan-template/", settings.plan_template, name="settings-plan-template"),
    path("settings/family-area/", settings.family_area, name="settings-family-area"),
    path("settings/professionals/", settings.professionals, name="settings-professionals"),
    path("settings/sign-in/", settings.sign_in, name="settings-sign-in"),
    path("settings/tiles/", settings.tiles, name="settings-tiles"),  # the SEND tile, and the link tiles' list
    *row_pages(settings.LINK_TILES, "tiles", with_list=False),
    *row_pages(settings.SERVICE_AREAS, "service-areas"),
    *row_pages(settings.HELP_LINKS, "help-links"),
    path("settings/stages/", settings.stage_explanation_list, name="settings-stages"),
    path("settings/stages/<str:case_kind>/<str:stage_key>/", settings.stage_explanation_edit, name="settings-stage"),
]
