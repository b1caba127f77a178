"""Every stored file's key starts with its council's schema name.

The prefix is put in the key, per call, never in a storage's `location`: django-storages'
S3 storage computes `location` once, so a prefix there would end up as `public`
(DESIGN.md, "Known traps").
"""

from __future__ import annotations

import posixpath

from django.db import connection
from django.utils.text import get_valid_filename


def council_path(*parts: str, schema_name: str | None = None) -> str:
    schema = schema_name or connection.schema_name
    *folders, filename = parts
    return posixpath.join(schema, *folders, get_valid_filename(posixpath.basename(filename)))
