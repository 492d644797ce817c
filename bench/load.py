"""A closed-loop load driver on httpx and asyncio.

Each of N clients sends its next request as soon as the previous answer
arrives (as a delegate clicking through does, only faster), for a fixed
duration after a short warm-up. A closed loop measures what the server
sustains at that concurrency: throughput is answers per second, latencies
are per request. Non-2xx answers are counted and reported, never hidden.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

T = TypeVar("T")

logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would load the driver


@dataclasses.dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile ``p`` (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


async def _client(
    base_url: str,
    headers: dict,
    paths: Callable[[int], str],
    warm_until: float,
    stop_at: float,
    latencies: list[float],
    failures: list[str],
) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30.0, follow_redirects=False) as client:
        sent = 0
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return
            path = paths(sent)
            sent += 1
            try:
                response = await client.get(path)
                ok = 200 <= response.status_code < 300
                detail = f"{response.status_code} {path}"
            except httpx.HTTPError as error:
                ok, detail = False, f"{type(error).__name__} {path}"
            finished = time.perf_counter()
            if started >= warm_until and finished <= stop_at:
                if ok:
                    latencies.append(finished - started)
                else:
                    failures.append(detail)


async def _run(base_url: str, clients: list[tuple[dict, Callable[[int], str]]], duration: float, warm_up: float) -> LoadResult:
    latencies: list[float] = []
    failures: list[str] = []
    begin = time.perf_counter()
    warm_until, stop_at = begin + warm_up, begin + warm_up + duration
    await asyncio.gather(*(_client(base_url, headers, paths, warm_until, stop_at, latencies, failures) for headers, paths in clients))
    return LoadResult(requests=len(latencies), errors=len(failures), seconds=duration, latencies=latencies), failures


def run_in_own_loop(coroutine_function: Callable[[], Awaitable[T]]) -> T:
    """``asyncio.run`` in a thread of its own: callable from code that
    already runs an event loop (a test process after Playwright's sync
    API, for one), where ``asyncio.run`` refuses to start."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as error:  # noqa: BLE001 — re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="cdt-load")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def measure(base_url: str, clients: list[tuple[dict, Callable[[int], str]]], *, duration: float, warm_up: float = 2.0) -> LoadResult:
    """Run every client (its headers, and the path of its k-th request)
    concurrently for ``duration`` seconds after ``warm_up`` seconds."""
    result, failures = run_in_own_loop(lambda: _run(base_url, clients, duration, warm_up))
    result.failures = failures[:5]
    return result
