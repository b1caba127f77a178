from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "citizen.accounts"
    label = "accounts"
    verbose_name = "Accounts"
