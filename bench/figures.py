"""What the bench measures. Web figures go through gunicorn over HTTP;
the sweeps, the STIX feed and the voting outcome run in the bench's own
process against the same database."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import statistics
import tempfile
import time

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .load import LoadResult, measure
from .report import Figure
from .seed import Seeded

#: Targets from issue 29 (issue 11's absolute 150 ms p95 became a ratio:
#: a two-core machine carrying its own load driver cannot show it).
THROUGHPUT_RATIO = 0.5
P95_RATIO = 2.0
IN_PROCESS_RATIO = 3.0
GROWTH_RATIO = 1.2
STIX_OBJECTS_PER_SECOND = 5_000
STIX_RATIO = 0.4
#: Issue 29: the ingestion within 0.8× of writing its rows by PostgreSQL COPY (the physical limit here).
STIX_COPY_RATIO = 0.8
SWEEP_SECONDS = 2.0
#: Issue 29: 20 clients reading classified cases, their reads audited (and
#: chained meanwhile), within 0.8× of the same reads with auditing off.
AUDITED_READS_RATIO = 0.8
RSS_MB = 200.0


def browser_cookie(session: str) -> str:
    """What a browser sends after its first page: the session and the CSRF
    cookie (a secret of 32 letters and digits, one per session). A page is
    kept for a reader only with the CSRF cookie its forms' tokens come from
    (:mod:`cdt.security.kept`)."""
    return f"sessionid={session}; csrftoken={hashlib.sha256(session.encode()).hexdigest()[:32]}"


def fresh_generation() -> None:
    """A new data generation before each figure, as a write would start: no
    figure is served what an earlier one left in the cache
    (:mod:`cdt.security.kept`); each client's first request computes."""
    from cdt.core import generation

    generation.bump()


def _latency_note(result: LoadResult) -> str:
    note = f"p50 {result.median:.0f} ms, p99 {result.percentile(99):.0f} ms, {result.requests:,} requests"
    if result.errors:
        note += f", {result.errors} errors (e.g. {result.failures[0]})"
    return note


def web(base_url: str, seeded: Seeded, *, sessions: list[str], tokens: list[str], duration: float) -> list[Figure]:
    """Each page and API list next to the bare baseline of its kind, with
    one client per delegate (each from another delegation where possible)."""
    cases, questions = seeded.shared_case_ids, seeded.question_ids

    def browser(paths):
        return [
            ({"Cookie": browser_cookie(key), "X-Forwarded-Proto": "https"}, (lambda k, n=n: paths(n, k))) for n, key in enumerate(sessions)
        ]

    def api(paths):
        return [
            ({"Authorization": f"Token {token}", "X-Forwarded-Proto": "https", "Accept": "application/json"}, (lambda k, n=n: paths(n, k)))
            for n, token in enumerate(tokens)
        ]

    def rotating(ids, template):
        # Each client walks its own stretch of the register: no two hit the same row at once.
        return lambda n, k: template.format(ids[(n * 997 + k * 31) % len(ids)])

    plan = [
        ("baseline page", browser(lambda n, k: "/bench/baseline/"), None),
        ("delegate dashboard", browser(lambda n, k: "/"), "baseline page"),
        ("case list, page 1", browser(lambda n, k: "/cases/"), "baseline page"),
        ("case list, filtered", browser(lambda n, k: "/cases/?state=deliberation&sort=-brought_on&page=2"), "baseline page"),
        ("case page", browser(rotating(cases, "/cases/{}/")), "baseline page"),
        ("positions board", browser(rotating(questions, "/council/questions/{}/board/")), "baseline page"),
        ("baseline API", api(lambda n, k: "/bench/baseline.json"), None),
        ("API case list", api(lambda n, k: "/api/v1/cases/"), "baseline API"),
        ("API case detail", api(rotating(cases, "/api/v1/cases/{}/")), "baseline API"),
        ("API options notes list", api(lambda n, k: "/api/v1/options-notes/"), "baseline API"),
        ("API measures list", api(lambda n, k: "/api/v1/measures/"), "baseline API"),
    ]
    results: dict[str, LoadResult] = {}
    figures = []
    for name, clients, baseline_name in plan:
        fresh_generation()
        result = measure(base_url, clients, duration=duration)
        results[name] = result
        print(f"  {name}: {result.throughput:,.0f} req/s, p95 {result.percentile(95):.0f} ms ({_latency_note(result)})", flush=True)
        baseline = results.get(baseline_name)
        ratio = result.throughput / baseline.throughput if baseline and baseline.throughput else None
        figures.append(
            Figure(
                f"{name}: throughput",
                result.throughput,
                "req/s",
                baseline=baseline.throughput if baseline else None,
                ratio=ratio,
                target_ratio=THROUGHPUT_RATIO if baseline else None,
                target=None if baseline else None,
                note=_latency_note(result),
            )
        )
        figures.append(
            Figure(
                f"{name}: p95 latency",
                result.percentile(95),
                "ms",
                target=P95_RATIO * baseline.percentile(95) if baseline else None,
                higher_is_better=False,
                baseline=baseline.percentile(95) if baseline else None,
                ratio=result.percentile(95) / baseline.percentile(95) if baseline else None,
                note=f"target: {P95_RATIO:g}× the baseline's p95" if baseline else "",
            )
        )
        if result.errors:
            figures.append(Figure(f"{name}: errors", result.errors, "responses", target=0, higher_is_better=False))
    return figures


def audited_reads(base_url: str, seeded: Seeded, *, sessions: list[str], duration: float) -> list[Figure]:
    """The classified case page read by every client, first with read-auditing
    switched off (:mod:`bench.reads`), then audited as always with the chainer
    linking the reads into the chain every second; the chain must verify
    afterwards. The reads each run recorded are counted: none off, one per
    request on."""
    from cdt.security.audit import audit_verify
    from cdt.security.models import AuditEntry, PendingRead

    from .reads import HEADER, Chainer

    cases = seeded.shared_case_ids

    def clients(extra: dict) -> list:
        return [
            (
                {"Cookie": browser_cookie(key), "X-Forwarded-Proto": "https", **extra},
                (lambda k, n=n: f"/cases/{cases[(n * 997 + k * 31) % len(cases)]}/"),
            )
            for n, key in enumerate(sessions)
        ]

    def reads() -> int:
        return PendingRead.objects.count() + AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()

    before = reads()
    fresh_generation()
    # Twice the other figures' time: the case page is the slowest, and about 100
    # requests a half made the ratio swing between 0.7 and 1.0 from run to run.
    unaudited = measure(base_url, clients({HEADER: "1"}), duration=2 * duration)
    recorded_off = reads() - before
    with Chainer() as chainer:
        before = reads()
        fresh_generation()
        audited = measure(base_url, clients({}), duration=2 * duration)
    recorded_on = reads() - before
    checked, problem = audit_verify()
    ratio = audited.throughput / unaudited.throughput if unaudited.throughput else None
    print(
        f"  classified case page: {audited.throughput:,.0f} req/s audited, {unaudited.throughput:,.0f} req/s not audited "
        f"(ratio {ratio or 0:.2f}); reads recorded {recorded_on:,} on, {recorded_off:,} off; {chainer.chained:,} chained meanwhile; "
        f"chain of {checked:,} entries {'verified' if problem is None else problem}",
        flush=True,
    )
    return [
        Figure(
            "classified case page, reads audited and chained: throughput",
            audited.throughput,
            "req/s",
            baseline=unaudited.throughput,
            ratio=ratio,
            target_ratio=AUDITED_READS_RATIO,
            note=f"baseline: read-auditing off; {_latency_note(audited)}; {chainer.chained:,} reads chained during the run",
        ),
        Figure(
            "classified case page, reads recorded while off",
            recorded_off,
            "reads",
            target=0,
            higher_is_better=False,
            note=f"{recorded_on:,} recorded while on (at least one per request expected: {audited.requests:,})",
        ),
        Figure(
            "classified case page, requests not recorded while on",
            max(audited.requests - recorded_on, 0),
            "requests",
            target=0,
            higher_is_better=False,
            note="each read of a classified case is recorded",
        ),
        Figure(
            "audit chain after the audited reads: problems",
            0 if problem is None else 1,
            "problems",
            target=0,
            higher_is_better=False,
            note=f"{checked:,} entries verified" if problem is None else str(problem),
        ),
    ]


#: What the in-process figures time: (name, kind, path) with ``{case}`` and ``{question}``.
IN_PROCESS_PAGES = (
    ("baseline page", "page", "/bench/baseline/"),
    ("delegate dashboard", "page", "/"),
    ("case list, page 1", "page", "/cases/"),
    ("case list, filtered", "page", "/cases/?state=deliberation&sort=-brought_on&page=2"),
    ("case page", "page", "/cases/{case}/"),
    ("positions board", "page", "/council/questions/{question}/board/"),
    ("baseline API", "api", "/bench/baseline.json"),
    ("API case list", "api", "/api/v1/cases/"),
    ("API case detail", "api", "/api/v1/cases/{case}/"),
    ("API options notes list", "api", "/api/v1/options-notes/"),
    ("API measures list", "api", "/api/v1/measures/"),
)


def in_process(seeded: Seeded, *, session: str, token: str, rounds: int = 15) -> list[Figure]:
    """Server time of each page in this process (Django's test client, no
    network, no load driver): the median of ``rounds`` warm requests, next
    to the bare view of its kind, with its query count."""
    from django.test import Client

    headers = {"HTTP_HOST": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
    clients = {
        "page": Client(**headers),
        "api": Client(**headers, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json"),
    }
    clients["page"].cookies["sessionid"] = session
    figures, medians = [], {}
    for name, kind, template in IN_PROCESS_PAGES:
        path = template.format(case=seeded.shared_case_ids[0], question=seeded.question_ids[0])
        client = clients[kind]
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        median = statistics.median(times)
        medians[name] = median
        baseline = medians.get("baseline page" if kind == "page" else "baseline API")
        is_baseline = name.startswith("baseline")
        print(f"  {name}: {median:.1f} ms in process, {len(captured)} queries", flush=True)
        figures.append(
            Figure(
                f"{name}: in-process time",
                median,
                "ms",
                target=None if is_baseline else IN_PROCESS_RATIO * baseline,
                higher_is_better=False,
                baseline=None if is_baseline else baseline,
                ratio=None if is_baseline else median / baseline,
                note=f"median of {rounds} warm requests, {len(captured)} queries"
                + ("" if is_baseline else f"; target: {IN_PROCESS_RATIO:g}× the baseline"),
            )
        )
        if not is_baseline:
            figures.append(_after_a_write(name, client, path, rounds))
    return figures


def _after_a_write(name: str, client, path: str, rounds: int) -> Figure:
    """The page's server time on its first showing after a committed write
    (a new data generation): what it costs to compute, kept counts included.
    Reported beside the warm figure, which a kept page answers from the cache."""
    times, queries = [], 0
    for _ in range(rounds):
        fresh_generation()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    median = statistics.median(times)
    print(f"  {name}: {median:.1f} ms in process after a write, {queries} queries", flush=True)
    return Figure(
        f"{name}: in-process time after a write",
        median,
        "ms",
        higher_is_better=False,
        note=f"median of {rounds} requests, each after a new data generation, {queries} queries; computed, not kept",
    )


def growth(figures: list[Figure], earlier: list[Figure], *, scale: int, earlier_scale: int) -> list[Figure]:
    """Each figure of the larger register against the same figure of the
    smaller one: within :data:`GROWTH_RATIO` in the direction that matters."""
    before = {figure.name: figure for figure in earlier}
    judged = []
    for figure in figures:
        previous = before.get(figure.name)
        if previous is None or not previous.value or figure.unit in ("queries", "responses"):
            continue
        # How many times worse the larger register is (> 1: worse).
        worse = previous.value / figure.value if figure.higher_is_better else figure.value / previous.value
        judged.append(
            Figure(
                f"growth {earlier_scale:,} → {scale:,} cases: {figure.name}",
                worse,
                "× worse",
                target=GROWTH_RATIO,
                higher_is_better=False,
                note=f"{previous.value:,.1f} → {figure.value:,.1f} {figure.unit}",
            )
        )
    return judged


def _timed_queries(function, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        outcome = function(**kwargs)
        elapsed = time.perf_counter() - started
    return outcome, elapsed, len(captured)


def sweeps(*, due: int) -> list[Figure]:
    """The beat sweeps over ``due`` due rows, and their query counts at a
    hundredth of that: equal counts mean constant in the number of rows."""
    from cdt.core.bulk import bulk_insert_values
    from notifications.models import Deadline, DeadlineKind, Event, Reminder
    from notifications.outbox import outbox_sweep
    from notifications.reminders import reminders_fire

    now = timezone.now()
    figures = []

    def due_reminders(count: int) -> None:
        with transaction.atomic():
            deadline_ids = bulk_insert_values(
                Deadline,
                ["kind", "due_at", "done_at", "classification", "reference", "marking", "link"],
                [(DeadlineKind.RFI, now + datetime.timedelta(hours=4), None, 0, f"RFI {n}", "", "/awareness/rfis/") for n in range(count)],
                with_ids=True,
            )
            bulk_insert_values(
                Reminder,
                ["deadline_id", "remind_at", "fired_at"],
                [(deadline_id, now - datetime.timedelta(minutes=5), None) for deadline_id in deadline_ids],
            )

    def pending_events(count: int) -> None:
        old = now - datetime.timedelta(hours=1)
        bulk_insert_values(
            Event,
            ["kind", "classification", "reference", "marking", "link", "payload", "created_at", "dispatched_at", "attempts"],
            [("case_step", 0, f"Event {n}", "", "/", {}, old, None, 0) for n in range(count)],
        )

    def clear() -> None:
        with transaction.atomic():
            for model in (Reminder, Deadline):
                model.objects.all()._raw_delete(model.objects.db)
            Event.objects.filter(dispatched_at=None).update(dispatched_at=now)

    for label, prepare, sweep in (
        ("reminder sweep", due_reminders, lambda: reminders_fire(now=now)),
        ("outbox sweep", pending_events, lambda: outbox_sweep(now=now)),
    ):
        clear()
        prepare(due // 100)
        _, _, few = _timed_queries(sweep)
        clear()
        prepare(due)
        outcome, elapsed, many = _timed_queries(sweep)
        clear()
        print(f"  {label}: {due:,} rows in {elapsed:.2f} s, {many} queries ({few} at {due // 100:,} rows); result {outcome}", flush=True)
        figures.append(
            Figure(f"{label}: {due:,} due rows", elapsed, "s", target=SWEEP_SECONDS, higher_is_better=False, note=f"result {outcome}")
        )
        figures.append(
            Figure(
                f"{label}: queries ({due:,} vs {due // 100:,} rows)",
                many,
                "queries",
                target=few,
                higher_is_better=False,
                note="equal counts: constant in rows",
            )
        )
    return figures


def stix(*, objects: int) -> list[Figure]:
    """The real ingestion service on a generated bundle against a raw
    ``bulk_create`` and a ``COPY`` of the rows it wrote (:mod:`bench.feed`)."""
    from notifications.models import Notification

    from .feed import Command as FeedBench

    Notification.objects.all()._raw_delete(Notification.objects.db)  # the feed bench empties the events they point to
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        call_command(FeedBench(), objects=objects, rounds=1, json=output.name, scratch_database=True, stdout=io.StringIO())
        result = json.load(open(output.name))
    print(
        f"  STIX: {result['objects_per_second']:,} objects/s, raw/ingestion {result['ratio_raw_over_ingestion']:.2f}, "
        f"COPY/ingestion {result['ratio_copy_over_ingestion']:.2f}",
        flush=True,
    )
    raw_rate = result["objects"] / result["raw_bulk_create_seconds"]
    return [
        Figure(
            f"STIX ingestion, {result['objects']:,}-object bundle",
            result["objects_per_second"],
            "objects/s",
            target=STIX_OBJECTS_PER_SECOND,
            baseline=raw_rate,
            ratio=result["ratio_raw_over_ingestion"],
            target_ratio=STIX_RATIO,
            note=f"{result['rows_written']:,} rows; baseline: raw bulk_create of the same rows",
        ),
        Figure(
            f"STIX ingestion against COPY, {result['objects']:,}-object bundle",
            result["objects_per_second"],
            "objects/s",
            baseline=result["objects"] / result["copy_seconds"],
            ratio=result["ratio_copy_over_ingestion"],
            target_ratio=STIX_COPY_RATIO,
            note=f"{result['rows_written']:,} rows; baseline: COPY of the same rows (bulk_create off PostgreSQL)",
        ),
    ]


def voting(*, rounds: int = 200) -> list[Figure]:
    """The board and outcome of one question with 27 positions, as the
    positions board computes them."""
    from council.models import Question
    from council.selectors import question_board

    question = Question.objects.order_by("pk").first()
    question_board(question)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        question_board(Question.objects.get(pk=question.pk))
        times.append(time.perf_counter() - started)
    _, _, queries = _timed_queries(lambda: question_board(Question.objects.get(pk=question.pk)))
    median = statistics.median(times) * 1000
    print(f"  voting outcome: {median:.2f} ms, {queries} queries", flush=True)
    return [
        Figure("voting outcome, 27-state board", median, "ms", note=f"median of {rounds}; {queries} queries incl. loading the question")
    ]
