"""Files on S3 when a bucket is configured (settings: "Files on S3" in config/settings/base.py).

django-storages' S3Storage with two changes:

- A write that S3 refuses (access denied, no such bucket, no credentials, endpoint
  down) raises `tenants.storage.StorageRefused`. FileField writes the file before the
  row (`pre_save`), so the row that would have pointed at it is never written.
- A file opened for reading ("rb") streams: each read takes the next bytes of the GET
  response. django-storages' S3File copies the whole object into memory first
  (AWS_S3_MAX_MEMORY_SIZE defaults to 0: it never spills to disk), which a worker
  streaming an EHC plan or a family's upload to the browser cannot afford.

No `location`: every key already starts with the council's schema (tenants.storage).
"""

from __future__ import annotations

import io
import logging

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .storage import StorageRefused

logger = logging.getLogger(__name__)


def _reason(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return error.__class__.__name__


class S3ObjectReader(io.RawIOBase):
    """An S3 object read as it arrives. Opening it sends the GET (a missing object
    fails then, not at the first read); seek() only moves the position, and the next
    read sends a ranged GET from there."""

    def __init__(self, obj) -> None:
        super().__init__()
        self._obj = obj  # a boto3 s3.Object
        self._body = None
        self._position = 0
        self.size = self._get(0)

    def _get(self, start: int) -> int:
        response = self._obj.get(Range=f"bytes={start}-") if start else self._obj.get()
        self._body = response["Body"]
        return start + response["ContentLength"]

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        starts = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}
        if whence not in starts:
            raise ValueError(f"invalid whence ({whence})")
        target = starts[whence] + offset
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        if target != self._position:
            self._drop_body()
            self._position = target
        return target

    def readinto(self, buffer) -> int:
        self._checkClosed()
        if self._position >= self.size:
            return 0
        if self._body is None:
            self._get(self._position)
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_body()
        super().close()


class StreamedS3File(File):
    """What PrivateS3Storage.open(name, "rb") returns: a Django File over S3ObjectReader."""

    def __init__(self, obj, name: str) -> None:
        self._obj = obj
        super().__init__(S3ObjectReader(obj), name=name)
        self.mode = "rb"

    def open(self, mode: str | None = None) -> StreamedS3File:
        if mode not in (None, "rb"):
            raise ValueError(f"A stored file opened for reading cannot be reopened as {mode!r}.")
        if self.closed:
            self.file = S3ObjectReader(self._obj)
        else:
            self.seek(0)
        return self


class PrivateS3Storage(S3Storage):
    """S3Storage that streams reads and turns a refused write into StorageRefused."""

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length=max_length)
        except (BotoCoreError, ClientError, Boto3Error) as error:
            # The key's first part is the council; the rest can be a family's file name.
            council = (name or "").split("/", 1)[0]
            logger.warning("S3 refused a file for %s (bucket %s): %s", council, self.bucket_name, _reason(error))
            raise StorageRefused(reason=_reason(error)) from error

    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            return StreamedS3File(self.bucket.Object(key), name=clean_name(name))
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
