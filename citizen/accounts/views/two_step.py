"""Placeholder views: each answers 404 until its journey is written."""

from django.http import Http404


def py(request, *args, **kwargs):
    raise Http404


def set_up(request, *args, **kwargs):
    raise Http404


def verify(request, *args, **kwargs):
    raise Http404


def new_code(request, *args, **kwargs):
    raise Http404
