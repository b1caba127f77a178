from django.apps import AppConfig


class CitizenConfig(AppConfig):
    name = "citizen"
    verbose_name = "Family SEND area"

    def ready(self) -> None:
        from citizen.accounts.roles import account_activated, account_registered, account_signed_in

        from .services import family_membership_on_account_event

        # Identity does not know the family area; the area joins the account to this
        # council's portal when identity says so (citizen.accounts.roles).
        for name, signal in [
            ("registered", account_registered),
            ("activated", account_activated),
            ("signed-in", account_signed_in),
        ]:
            signal.connect(family_membership_on_account_event, dispatch_uid=f"family-membership-on-{name}")
