"""The council whose schema the database connection is on now, typed: django-tenants
sets `connection.tenant` and `connection.schema_name` on its own database wrapper,
which Django's types do not know."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from .models import Council


def current_council() -> Council:
    return connection.tenant  # type: ignore[attr-defined]


def current_schema() -> str:
    return connection.schema_name  # type: ignore[attr-defined]
