"""Every stored file's key starts with its council's schema name.

The prefix is put in the key, per call, never in a storage's `location`: django-storages'
S3 storage computes `location` once, so a prefix there would end up as `public`
(docs/architecture.md, "Known traps").
"""

from __future__ import annotations

import posixpath

from django.db import connection
from django.utils.text import get_valid_filename


def council_path(*parts: str, schema_name: str | None = None) -> str:
    schema = schema_name or connection.schema_name
    *folders, filename = parts
    return posixpath.join(schema, *folders, get_valid_filename(posixpath.basename(filename)))


class StorageRefused(Exception):
    """The file store refused a file, so nothing was stored. Raised by the storage
    backend (tenants.s3) before any row that would point at the file is written, so a
    caller's transaction saves nothing either. str() is fit to show the person who sent
    the file; `reason` (e.g. "AccessDenied", "NoSuchBucket") is for the operators."""

    MESSAGE = "The file could not be stored just now, so nothing has been saved. Please try again later."

    def __init__(self, message: str = MESSAGE, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason
