from tests.casework.email_fakes import fake_notify  # noqa: F401 (a fixture)
