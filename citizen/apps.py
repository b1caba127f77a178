from django.apps import AppConfig


class CitizenConfig(AppConfig):
    name = "citizen"
    verbose_name = "Family SEND area"
