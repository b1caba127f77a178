"""Placeholder views: each answers 404 until its journey is written."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def sign_in(request, *args, **kwargs):
    raise Http404


def sign_out(request, *args, **kwargs):
    raise Http404


def timed_out(request, *args, **kwargs):
    raise Http404


def password_change_required(request, *args, **kwargs):
    raise Http404
