"""Placeholder views: each answers 404 until its journey is written."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def my_account(request, *args, **kwargs):
    raise Http404


def change_password(request, *args, **kwargs):
    raise Http404


def change_email(request, *args, **kwargs):
    raise Http404


def confirm_email(request, *args, **kwargs):
    raise Http404


def change_details(request, *args, **kwargs):
    raise Http404


def sign_out_everywhere(request, *args, **kwargs):
    raise Http404
