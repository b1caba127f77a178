"""Placeholder views: each answers 404 until its journey is written."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def register(request, *args, **kwargs):
    raise Http404


def register_sent(request, *args, **kwargs):
    raise Http404


def activate(request, *args, **kwargs):
    raise Http404


def activation_resend(request, *args, **kwargs):
    raise Http404


def password_reset(request, *args, **kwargs):
    raise Http404


def password_reset_sent(request, *args, **kwargs):
    raise Http404


def password_reset_confirm(request, *args, **kwargs):
    raise Http404


def password_reset_done(request, *args, **kwargs):
    raise Http404
