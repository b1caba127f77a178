from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Families' form drafts and submissions (tenant schema); the definitions they answer
    are public-schema data in tenants/."""

    name = "casework.submissions"
    label = "submissions"
    verbose_name = "Form submissions"
