"""gunicorn in a subprocess, for the bench and for the concurrency tests
(real worker processes and threads racing on one database, which the test
client cannot do)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], *, workers: int = 4, threads: int = 1, access_log: bool = False) -> Iterator[tuple[str, int]]:
    """Serve ``cdt.wsgi`` on a free port with ``environment`` on top of this
    process's; yield the base URL and the master's pid once ``/health/``
    answers; stop the whole process group on exit."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "cdt.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--access-logfile",
        "-" if access_log else os.devnull,
    ]
    if threads > 1:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment}, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                if httpx.get(f"{base_url}/health/", headers={"X-Forwarded-Proto": "https"}).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /health/")
        yield base_url, server.pid
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
