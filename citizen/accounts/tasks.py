"""Emails that answer a request about an email address (a forgotten password, a new
activation link). They are worked out here, after the request, so the request does the
same work whether or not the address has an account (issue 18)."""

from config.celery import app

from .services_registration import activation_link_send, password_reset_link_send


@app.task
def send_password_reset_link(*, email: str) -> None:
    password_reset_link_send(email=email)


@app.task
def send_activation_link(*, email: str) -> None:
    activation_link_send(email=email)
