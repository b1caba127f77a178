"""`make bench`'s load run only (config.settings.bench with BENCH_DB_TIMES_DIR): for each
request, how long it waited to connect to the database and how long its queries took,
one line per request in a file per web process, for bench/load.py to read."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection


class DatabaseTimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["BENCH_DB_TIMES_DIR"])

    def __call__(self, request):
        spent = [0.0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        started = time.perf_counter()
        connection.ensure_connection()
        connecting = time.perf_counter() - started
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        with (self.folder / f"{os.getpid()}.txt").open("a") as out:
            out.write(f"{connecting * 1000:.2f} {spent[0] * 1000:.2f}\n")
        return response
