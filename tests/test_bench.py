"""The bench measures what it says: its seeded register is visible to the
clients it signs in (so pages are measured full, not empty), its load
driver counts answers and errors honestly, and its table judges targets
the right way round. (The bench itself runs with ``make bench``.)"""

import asyncio
import threading

import pytest
from django.db.models import Count

from bench.load import LoadResult, measure
from bench.report import Figure, table
from bench.seed import Volume, seed
from cases.models import Case, CaseTransition
from cases.selectors import case_list
from cdt.accounts.models import User
from council.models import Position, Question
from council.selectors import question_list
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TINY = Volume(cases=60, transitions=120, users=90, positions=27 * 6, assessments=12, measures=9, notifications=40)


def test_seed_writes_the_volume_and_every_client_sees_the_shared_register(directory):
    seeded = seed(TINY)
    assert Case.objects.count() == 60 and seeded.counts["cases"] == 60
    assert CaseTransition.objects.count() == 120
    assert Position.objects.count() == 27 * 6
    assert set(Position.objects.values("question").annotate(n=Count("id")).values_list("n", flat=True)) == {27}
    assert Notification.objects.count() == seeded.counts["notifications"] == 40
    assert Case.objects.filter(exercise=True).count() == 12  # a fifth
    assert len(set(Case.objects.values_list("state", flat=True))) > 5  # cases in many steps
    # One client per delegation first.
    first = User.objects.filter(pk__in=seeded.delegates[:27])
    assert first.values("organisation").distinct().count() == 27
    assert seeded.shared_case_ids and seeded.question_ids
    for user in User.objects.filter(pk__in=seeded.delegates[:5]):
        visible = set(case_list(user=user).values_list("pk", flat=True)) | set(
            case_list(user=user, exercise=True).values_list("pk", flat=True)
        )
        assert set(seeded.shared_case_ids) <= visible
        assert len(visible) < 60  # some cases are shared with a few delegations only
        assert set(seeded.question_ids) <= set(question_list(user=user).values_list("pk", flat=True))
    assert Question.objects.count() == 6


def test_load_driver_counts_answers_and_errors(live_server):
    import httpx

    # The server's first answer loads every view: on a busy machine it alone can outlast the window.
    assert httpx.get(f"{live_server.url}/health/", timeout=60).status_code == 200
    result = measure(
        live_server.url, [({}, lambda k: "/health/"), ({}, lambda k: "/no-such-page/" if k % 2 else "/health/")], duration=1.0, warm_up=0.2
    )
    assert result.requests > 0 and result.errors > 0
    assert all("/no-such-page/" in failure for failure in result.failures)
    assert result.percentile(50) <= result.percentile(95) <= result.percentile(99)
    assert result.throughput == pytest.approx(result.requests / 1.0)


def test_load_driver_runs_where_an_event_loop_is_already_running(live_server):
    """Playwright's sync API leaves a running loop in the test process;
    ``asyncio.run`` refuses to start there (it failed CI once). The loop
    here runs in a thread of its own, so the test does not depend on
    whether an earlier test left one running in this one."""
    outcome = {}

    def caller_with_a_running_loop():
        async def inside_a_loop():
            return measure(live_server.url, [({}, lambda k: "/health/")], duration=0.5, warm_up=0.1)

        try:
            outcome["result"] = asyncio.run(inside_a_loop())
        except Exception as error:  # noqa: BLE001 — reported below
            outcome["error"] = error

    thread = threading.Thread(target=caller_with_a_running_loop)
    thread.start()
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].requests > 0 and outcome["result"].errors == 0


def test_percentiles_use_the_nearest_rank():
    result = LoadResult(requests=100, errors=0, seconds=1.0, latencies=[n / 1000 for n in range(1, 101)])
    assert result.percentile(50) == pytest.approx(50)
    assert result.percentile(95) == pytest.approx(95)
    assert result.percentile(99) == pytest.approx(99)


def test_figures_are_judged_the_right_way_round():
    slow = Figure("page: p95 latency", 180.0, "ms", target=150.0, higher_is_better=False)
    fast = Figure("page: p95 latency", 90.0, "ms", target=150.0, higher_is_better=False)
    thin = Figure("page: throughput", 40.0, "req/s", baseline=100.0, ratio=0.4, target_ratio=0.5)
    info = Figure("voting outcome", 5.0, "ms")
    assert (slow.passed, fast.passed, thin.passed, info.passed) == (False, True, False, None)
    printed = table([slow, fast, thin, info])
    assert printed.count("FAIL") == 2 and "pass" in printed and "info" in printed and "0.40×" in printed


def test_growth_judges_each_figure_against_the_smaller_register_the_right_way_round():
    from bench.figures import growth

    earlier = [
        Figure("case page: throughput", 100.0, "req/s"),
        Figure("case page: p95 latency", 100.0, "ms", higher_is_better=False),
        Figure("case list: queries", 10.0, "queries", higher_is_better=False),
    ]
    later = [
        Figure("case page: throughput", 80.0, "req/s"),  # 1.25× worse: missed
        Figure("case page: p95 latency", 110.0, "ms", higher_is_better=False),  # 1.1× worse: met
        Figure("case list: queries", 10.0, "queries", higher_is_better=False),  # counts are not growth figures
        Figure("new figure", 1.0, "ms"),  # nothing to compare with
    ]
    judged = {figure.name.split(": ", 1)[1]: figure for figure in growth(later, earlier, scale=100_000, earlier_scale=10_000)}
    assert set(judged) == {"case page: throughput", "case page: p95 latency"}
    assert judged["case page: throughput"].value == pytest.approx(1.25) and judged["case page: throughput"].passed is False
    assert judged["case page: p95 latency"].value == pytest.approx(1.1) and judged["case page: p95 latency"].passed is True


def test_the_read_auditing_switch_leaves_out_only_the_marked_requests_reads():
    """The bench compares audited reads with the same reads unaudited
    (bench/reads.py): a request with the header records nothing, every other
    request records as the product does, and the switch does not outlive its
    request."""
    from django.test import RequestFactory

    from bench.reads import HEADER, UnauditedReadsMiddleware, audit_read_switchable

    recorded = []
    audit_read = audit_read_switchable(lambda **kwargs: recorded.append(kwargs) or "read")

    def view(request):
        return audit_read(actor=request.path)

    middleware = UnauditedReadsMiddleware(view)
    factory = RequestFactory()
    assert middleware(factory.get("/cases/1/", headers={HEADER: "1"})) is None
    assert middleware(factory.get("/cases/2/")) == "read"
    assert middleware(factory.get("/cases/3/", headers={HEADER: "0"})) == "read"
    assert audit_read(actor="outside a request") == "read"
    assert recorded == [{"actor": "/cases/2/"}, {"actor": "/cases/3/"}, {"actor": "outside a request"}]
