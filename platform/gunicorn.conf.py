"""Gunicorn settings for the web container:

    gunicorn config.wsgi:application -c platform/gunicorn.conf.py

Read by gunicorn from its path, never imported (platform/ is not a package). Every
number comes from the environment, which the Helm chart sets:

    GUNICORN_WORKERS (or WEB_CONCURRENCY)  processes; default 2 x CPUs + 1, at most 8
    GUNICORN_THREADS                       threads per process (default 4)
    GUNICORN_TIMEOUT                       seconds before a silent worker is restarted (30)
    GUNICORN_BIND                          default 0.0.0.0:8000
    FORWARDED_ALLOW_IPS                    who may set X-Forwarded-* (gunicorn's own default)

The access log goes to stdout without query strings, and the tokens carried in the
path of activation, password-reset and email-confirmation links are masked: those
links are credentials until they are used.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# The masking rules are the application's (config/logs.py), so this access log and
# the app's own logs hide the same tokens. The repository root is put on sys.path
# whichever directory gunicorn starts in.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from config.logs import mask_path  # noqa: E402 - needs the repository root on sys.path

MAX_DEFAULT_WORKERS = 8


def _available_cpus() -> int:
    """CPUs this container may use: its cgroup quota when it has one (a pod's CPU
    limit), else the CPUs the process may run on. os.cpu_count() alone would see
    every core of the node."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as quota_file:  # cgroup v2
            quota, period = quota_file.read().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int_from_env(*names: str, default: int) -> int:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return int(value)
    return default


# Every interface of the container: the pod is reached through its Service.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int_from_env(
    "GUNICORN_WORKERS", "WEB_CONCURRENCY", default=min(2 * _available_cpus() + 1, MAX_DEFAULT_WORKERS)
)
threads = _int_from_env("GUNICORN_THREADS", default=4)
worker_class = "gthread"
timeout = _int_from_env("GUNICORN_TIMEOUT", default=30)
graceful_timeout = _int_from_env("GUNICORN_GRACEFUL_TIMEOUT", default=30)
# Longer than the ingress controller's upstream keep-alive (nginx: 60 s), so the proxy
# never reuses a connection gunicorn has just closed (a 502).
keepalive = _int_from_env("GUNICORN_KEEPALIVE", default=75)
# A worker is replaced after this many requests (jittered), bounding slow leaks.
max_requests = _int_from_env("GUNICORN_MAX_REQUESTS", default=1000)
max_requests_jitter = _int_from_env("GUNICORN_MAX_REQUESTS_JITTER", default=100)

# The root filesystem is read-only: the heartbeat files go to memory, and the control
# socket (by default under $HOME) is off.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a tmpfs in every container, not a shared /tmp
control_socket_disable = True

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "send-portal-web"

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(U)s is the path without the query string; %(r)s (the request line) and %(q)s
# would log it. No referrer either: it is the previous page's full address, which
# can be an activation or reset link. The host says which council.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %({host}i)s%(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class MaskingLogger(Logger):
    """Gunicorn's logger, with every atom that could carry a token masked or dropped,
    whatever access_log_format says."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask_path(atoms.get("U") or "")
        atoms["r"] = f"{atoms.get('m')} {atoms['U']} {atoms.get('H')}"
        atoms["q"] = "-"
        atoms["f"] = "-"
        for key in ("{raw_uri}e", "{query_string}e", "{path_info}e", "{referer}i", "{http_referer}e"):
            if key in atoms:
                atoms[key] = "-"
        return atoms

    def exception(self, msg, *args, **kwargs):
        # "Error handling request <uri>": the URI with its query string.
        args = tuple(_mask_uri(arg) if isinstance(arg, str) and arg.startswith("/") else arg for arg in args)
        super().exception(msg, *args, **kwargs)


def _mask_uri(uri: str) -> str:
    return mask_path(uri.split("?", 1)[0].split("#", 1)[0])


logger_class = MaskingLogger
