"""Hostile probes of case distribution (decision 0022): users who must not
see a case, and users who see it but may not change who does.

The house rule: a user without access gets 404, and no id, title or derived
value of the case, anywhere; a request for access never tells whether its
reference exists. Each test here is one probe; a failing one is a finding.
"""

from __future__ import annotations

import datetime

import pytest

from awareness.models import RequestForInformation
from cases import access_requests, sharing
from cases.models import AccessRequest, AccessRequestStatus, Case
from cdt.accounts.roles import Role
from cdt.security.access import can_view, viewers_of
from cdt.security.markings import Classification, Distribution, Tlp
from notifications.models import Event, EventKind, Notification
from notifications.outbox import event_dispatch
from notifications.selectors import inbox

from .distribution_support import JSON, opened, org, people  # noqa: F401  (people: a fixture)

pytestmark = pytest.mark.django_db


def assessment(people, cases, **overrides):
    from awareness.services import assessment_record

    fields = dict(
        kind="written",
        title="SIAC assessment of GRIDLOCK",
        body="All-source assessment.",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=cases,
    )
    fields.update(overrides)
    return assessment_record(by=people["siac"], **fields)


# --- Leaks of a hidden case ---------------------------------------------------------------------


def test_an_assessment_names_only_the_cases_its_reader_may_see(people, client):
    """FINDING (high; fixed): an assessment that follows its cases reaches
    every reader of one of them, and the API listed the ids of all of them,
    including a case the reader may not see (awareness/api/serializers.py,
    ``cases = VisibleCaseField(many=True)`` filters what is written, not
    what is read). The viewset now prefetches only the visible cases
    (awareness/api/views.py ``AssessmentViewSet.get_queryset``). The page
    listed visible cases only already."""
    seen = opened(people)  # HWPCI: Hungary sees it
    hidden = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("SIAC")])  # Hungary does not
    report = assessment(people, [seen, hidden])
    assert report.distribution == Distribution.WITH_CASES
    client.force_login(people["outsider"])
    assert client.get(f"/api/v1/cases/{hidden.pk}/").status_code == 404
    detail = client.get(f"/api/v1/assessments/{report.pk}/")
    assert detail.status_code == 200
    assert detail.json()["cases"] == [seen.pk]
    rows = client.get("/api/v1/assessments/").json()["results"]
    assert [row["cases"] for row in rows if row["id"] == report.pk] == [[seen.pk]]


def test_answering_a_request_for_information_does_not_reveal_the_answers_other_cases(people, client):
    """The same leak by another road: SIAC answers an RFI on an HWPCI case
    with an assessment it wrote on a restricted case; the assessment now
    follows both, and every delegation reads the restricted case's id."""
    from awareness.services import rfi_answer, rfi_ask

    hidden = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("SIAC")])
    report = assessment(people, [hidden])
    seen = opened(people)
    rfi = rfi_ask(by=people["chair"], case=seen, addressed_to=org("SIAC"), question="Who?", due_on=datetime.date(2026, 12, 20))
    rfi_answer(by=people["siac"], rfi=rfi, assessment=report)
    client.force_login(people["outsider"])
    response = client.get(f"/api/v1/assessments/{report.pk}/")
    assert response.status_code == 200  # by design: it follows the case Hungary sees
    assert hidden.pk not in response.json()["cases"]


def test_the_assessment_case_filter_is_no_existence_oracle(people, client):
    """FINDING (medium; fixed): ``/api/v1/assessments/?case=<id>`` validated
    the id against every case (awareness/filters.py,
    ``queryset=Case.objects.all()``): an id that does not exist was a 400, a
    hidden one a 200. The filter now takes the cases the user may see."""
    hidden = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["outsider"])
    missing = client.get("/api/v1/assessments/", {"case": hidden.pk + 1000})
    secret = client.get("/api/v1/assessments/", {"case": hidden.pk})
    assert secret.status_code == missing.status_code
    assert secret.json() == missing.json()


def test_the_assessment_list_page_offers_no_hidden_case_to_filter_by(people, client):
    """FINDING (critical; fixed): the assessment list page renders its
    filter form, whose "Case" select offered every case in the database
    (awareness/filters.py ``case = ModelChoiceFilter(queryset=Case.objects.all())``):
    every signed-in user read the id, reference and title of every case,
    including those restricted from them, TLP:RED and AMBER+STRICT ones.
    The filter now offers the cases the user may see (the page passes the
    request)."""
    hidden = opened(people, distribution=Distribution.RESTRICTED, title="Covert partner operation NIGHTJAR")
    red = opened(people, tlp=Tlp.RED, title="Named-only operation KESTREL")
    seen = opened(people)
    for name in ("outsider", "cnect", "delegate"):
        client.force_login(people[name])
        response = client.get("/awareness/assessments/")
        assert response.status_code == 200
        html = response.content.decode()
        for case in (hidden, red):
            assert case.reference not in html and case.title not in html, (name, case.reference)
    client.force_login(people["outsider"])
    assert seen.reference in client.get("/awareness/assessments/").content.decode()  # a case they see is offered


def test_the_requester_is_told_of_the_decision_in_the_notification_centre(people, client):
    """FINDING (low, no leak; fixed): ``access_decided`` goes to the
    requester alone (notifications/recipients.py), but the notification
    centre showed only rows about a case, a meeting or a strategic response
    note the reader may see (notifications/selectors.py ``visible_rows``):
    an event about an access request (no case) was never shown, so the
    requester was told by e-mail only. Rows about the reader's own requests
    are now shown."""
    case = opened(people, distribution=Distribution.RESTRICTED)
    request = access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Agenda")
    access_requests.access_request_decide(request=request, by=people["eeas"], grant=False, reason="Not affected")
    event = Event.objects.get(kind=EventKind.ACCESS_DECIDED)
    event_dispatch(event_id=event.pk)
    assert Notification.objects.filter(event=event, recipient=people["outsider"]).exists()
    # What the requester is told names neither the case nor its marking.
    assert case.reference not in event.reference and str(case.pk) not in event.link and event.marking == ""
    assert list(inbox(user=people["outsider"]).values_list("event_id", flat=True)) == [event.pk]


def test_a_withdrawn_user_keeps_nothing_of_the_case(people, client):
    """Regression: the user whose organisation's access was just withdrawn
    gets 404 everywhere, the notification that told them of the share
    disappears from their centre, and asking again gets the same words."""
    case = opened(people, distribution=Distribution.RESTRICTED)
    sharing.case_share(case=case, by=people["eeas"], organisation=org("HU"), reason="Hungarian victims")
    event_dispatch(event_id=Event.objects.get(kind=EventKind.CASE_SHARED).pk)
    assert inbox(user=people["outsider"]).count() == 1
    sharing.case_unshare(case=case, by=people["eeas"], organisation=org("HU"), reason="Need to know ended")
    client.force_login(people["outsider"])
    for url in (f"/api/v1/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/distribution/", f"/cases/{case.pk}/sharing/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"hwpci": True}, content_type=JSON).status_code == 404
    assert inbox(user=people["outsider"]).count() == 0
    answer = client.post("/api/v1/access-requests/", {"reference": case.reference, "reason": "Again"}, content_type=JSON)
    other = client.post("/api/v1/access-requests/", {"reference": "CDT-2026-9998", "reason": "Again"}, content_type=JSON)
    assert answer.status_code == other.status_code == 202 and answer.json()["detail"] == other.json()["detail"]
    assert case.reference not in client.get("/").content.decode()


def test_strict_and_red_cases_stay_hidden_from_delegates_on_every_new_route(people, client):
    """Regression: an HWPCI-wide case at TLP:RED or TLP:AMBER+STRICT is 404
    on the distribution routes for a delegate, as an HWPCI case is for DG
    CNECT, and its request for access reaches a decider like any hidden
    case's."""
    for tlp, who in ((Tlp.RED, "delegate"), (Tlp.AMBER_STRICT, "delegate"), (Tlp.AMBER, "cnect")):
        case = opened(people, tlp=tlp)
        client.force_login(people[who])
        assert client.get(f"/api/v1/cases/{case.pk}/distribution/").status_code == 404
        assert client.get(f"/cases/{case.pk}/sharing/").status_code == 404
        assert client.post(f"/cases/{case.pk}/sharing/share/", {"hwpci": "on"}).status_code == 404
        request = access_requests.access_request_create(by=people[who], reference=case.reference, reason="Agenda")
        assert request.case == case
        assert client.get(f"/api/v1/access-requests/{request.pk}/").json()["case"] is None  # the requester never learns it


def test_a_non_manager_learns_nothing_from_the_share_form_about_users(people, client):
    """FINDING (low): a delegate who sees a case but may not share it gets
    400 "does not exist" for an unknown user name or organisation code and
    403 for a real one: the body is validated before the right is checked
    (cases/api/sharing.py ``_change``; cases/sharing_views.py
    ``ShareForm.clean``). A user directory oracle, not a case one."""
    case = opened(people)
    client.force_login(people["delegate"])
    real = client.post(f"/api/v1/cases/{case.pk}/share/", {"user": "cnect-staff"}, content_type=JSON)
    made_up = client.post(f"/api/v1/cases/{case.pk}/share/", {"user": "no-such-user"}, content_type=JSON)
    assert real.status_code == made_up.status_code == 403
    real = client.post(f"/cases/{case.pk}/sharing/share/", {"user": "cnect-staff"})
    made_up = client.post(f"/cases/{case.pk}/sharing/share/", {"user": "no-such-user"})
    assert real.status_code == made_up.status_code == 403


# --- Who may change the distribution ---------------------------------------------------------


def test_a_delegate_cannot_share_a_case_onward_through_a_request_for_information(people, client):
    """Found by the probe (high): a delegate who saw a case could widen it
    to any organisation by asking that organisation for information. Now a
    request for information shares the case only with SIAC (para 19), or
    with anyone when the asker may widen it anyway; otherwise it is a 400
    naming ``addressed_to``."""
    case = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("DE")])
    assert can_view(people["delegate"], case) and not sharing.may_manage_distribution(people["delegate"], case)
    client.force_login(people["delegate"])
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"organisation": "HU"}, content_type=JSON).status_code == 403
    for code in ("COM-CNECT", "HU"):
        response = client.post(
            "/api/v1/requests-for-information/",
            {"case": case.pk, "addressed_to": code, "question": "Anything?", "due_on": "2026-12-20"},
            content_type=JSON,
        )
        assert response.status_code == 400 and "addressed_to" in response.json(), response.json()
    case = Case.objects.get(pk=case.pk)
    assert not can_view(people["cnect"], case)
    assert not can_view(people["outsider"], case)
    assert not RequestForInformation.objects.filter(case=case).exists()
    # SIAC is asked for assessments by the process: it is brought in.
    response = client.post(
        "/api/v1/requests-for-information/",
        {"case": case.pk, "addressed_to": "SIAC", "question": "Who?", "due_on": "2026-12-20"},
        content_type=JSON,
    )
    assert response.status_code == 201 and can_view(people["siac"], Case.objects.get(pk=case.pk))


def test_the_chair_may_bring_to_hwpci_but_not_restrict(people, client):
    """Regression: the Presidency may widen to HWPCI only; restricting,
    withdrawing a role or a named official is the originator's."""
    case = opened(people)
    client.force_login(people["chair"])
    for body in ({"hwpci": True, "reason": "x"}, {"role": "hwpci_delegate", "reason": "x"}, {"user": "delegate-de", "reason": "x"}):
        assert client.post(f"/api/v1/cases/{case.pk}/unshare/", body, content_type=JSON).status_code in (400, 403), body
    assert client.post(f"/api/v1/cases/{case.pk}/unshare/", {"hwpci": True, "reason": "x"}, content_type=JSON).status_code == 403
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"user": "cnect-staff"}, content_type=JSON).status_code == 403
    assert client.post(f"/cases/{case.pk}/sharing/unshare/", {"hwpci": "on", "reason": "x"}).status_code == 403
    assert Case.objects.get(pk=case.pk).distribution == Distribution.HWPCI


def test_a_named_official_cannot_share_a_red_case_onward(people, client):
    """Regression: at TLP:RED a named official sees the case, and may not
    name anyone else."""
    case = opened(people, tlp=Tlp.RED)
    sharing.case_share(case=case, by=people["eeas"], user=people["chair"], reason="Chair")
    client.force_login(people["chair"])
    assert client.get(f"/api/v1/cases/{case.pk}/distribution/").status_code == 200
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"user": "delegate-de"}, content_type=JSON).status_code == 403
    assert not can_view(people["delegate"], Case.objects.get(pk=case.pk))


def test_the_opener_of_a_red_case_cannot_withdraw_the_originators_only_access(people, client):
    """FINDING (medium; fixed): at TLP:RED the originator's access *is* the
    opener's named grant (``case_open`` names them; group grants never open
    RED), yet ``case_unshare(user=...)`` withdrew it like any other named
    official's (cases/sharing.py ``case_unshare``, no check). The case then
    vanished for everyone, the secretariat included, and nobody could
    restore it from CDT: "the originator's own access cannot be withdrawn"
    (decision 0022). A named official holding the change right is now kept,
    and shown as not removable."""
    case = opened(people, tlp=Tlp.RED)
    client.force_login(people["eeas"])
    response = client.post(f"/api/v1/cases/{case.pk}/unshare/", {"user": "eeas-staff", "reason": "tidy up"}, content_type=JSON)
    assert response.status_code == 400, response.content
    assert viewers_of(Case.objects.get(pk=case.pk)).exists()
    lines = {(line["kind"], line["code"]): line for line in client.get(f"/api/v1/cases/{case.pk}/distribution/").json()["access"]}
    assert lines[("named_official", "eeas-staff")]["removable"] is False


def test_a_decider_of_one_case_cannot_decide_requests_on_another(people, client):
    """Regression (IDOR): the decide page takes the request among the case's
    own; the API takes it among the caller's. A Germany-opened case's
    originator cannot decide a request on an EEAS case, by either road."""
    theirs = opened(people, distribution=Distribution.RESTRICTED)
    mine = opened(people, by="delegate", distribution=Distribution.RESTRICTED)
    on_theirs = access_requests.access_request_create(by=people["outsider"], reference=theirs.reference, reason="Agenda")
    on_mine = access_requests.access_request_create(by=people["outsider"], reference=mine.reference, reason="Agenda")
    client.force_login(people["delegate"])
    assert sharing.may_manage_distribution(people["delegate"], mine)
    page = client.post(f"/cases/{mine.pk}/access-requests/decide/", {"request": on_theirs.pk, "decision": "grant", "scope": "organisation"})
    unknown = client.post(f"/cases/{mine.pk}/access-requests/decide/", {"request": 10**9, "decision": "grant", "scope": "organisation"})
    assert page.status_code == unknown.status_code == 400 and "No such request on this case." in page.content.decode()
    assert theirs.reference not in page.content.decode()
    api = client.post(f"/api/v1/access-requests/{on_theirs.pk}/decide/", {"decision": "grant"}, content_type=JSON)
    assert api.status_code == 404
    assert client.get(f"/api/v1/access-requests/{on_theirs.pk}/").status_code == 404
    assert {row["id"] for row in client.get("/api/v1/access-requests/").json()["results"]} == {on_mine.pk}
    assert AccessRequest.objects.get(pk=on_theirs.pk).status == AccessRequestStatus.PENDING
    assert not can_view(people["outsider"], theirs)


def test_a_request_is_404_to_anyone_but_its_requester_and_deciders(people, client):
    """Regression: a request on a hidden case, on a visible case and on no
    case are alike to a third party: 404, detail and decide."""
    hidden = opened(people, distribution=Distribution.RESTRICTED)
    visible = opened(people)
    requests = [
        access_requests.access_request_create(by=people["outsider"], reference=reference, reason="Agenda")
        for reference in (hidden.reference, visible.reference, "CDT-2026-9999")
    ]
    client.force_login(people["other_delegate"])
    for request in requests:
        assert client.get(f"/api/v1/access-requests/{request.pk}/").status_code == 404
        assert client.post(f"/api/v1/access-requests/{request.pk}/decide/", {"decision": "grant"}, content_type=JSON).status_code == 404
    # The requester: the same 403 on each (never "no such case").
    client.force_login(people["outsider"])
    answers = {
        client.post(f"/api/v1/access-requests/{request.pk}/decide/", {"decision": "grant"}, content_type=JSON).content
        for request in requests
    }
    assert len(answers) == 1


def test_a_requester_who_gains_the_change_right_cannot_decide_their_own_request(people, client, make_user):
    """FINDING (low; fixed): the API promises 403 for "your own request"
    (cases/api/sharing.py, ``decide``'s 403), but ``access_request_decide``
    checked only the change right: an EEAS official whose clearance has
    lapsed asks for access to an EEAS case; once cleared again they decide
    their own request."""
    case = opened(people)
    junior = make_user("eeas-junior", "EEAS", roles=(Role.EEAS_DRAFTER,), clearance=Classification.UNCLASSIFIED)
    assert not can_view(junior, case)
    request = access_requests.access_request_create(by=junior, reference=case.reference, reason="My desk")
    assert request.case == case
    junior = make_user("eeas-junior", "EEAS", roles=(Role.EEAS_DRAFTER,), clearance=Classification.RESTREINT_UE)
    client.force_login(junior)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    response = client.post(f"/api/v1/access-requests/{request.pk}/decide/", {"decision": "grant", "scope": "user"}, content_type=JSON)
    assert response.status_code == 403, response.content


def test_a_request_on_a_red_case_is_granted_by_name_not_to_an_organisation(people, client):
    """FINDING (low, correctness; fixed): at TLP:RED a group grant opens
    nothing, yet a request granted with the default scope (the requester's
    organisation, preselected on the panel) was recorded as granted and the
    requester told so, while they still could not see the case
    (cases/sharing.py ``access_request_decide`` took any scope at any TLP).
    The same at TLP:AMBER+STRICT for an organisation other than the
    originator."""
    from django.core.exceptions import ValidationError

    for tlp in (Tlp.RED, Tlp.AMBER_STRICT):
        case = opened(people, tlp=tlp)
        request = access_requests.access_request_create(by=people["chair"], reference=case.reference, reason="Chair")
        with pytest.raises(ValidationError) as refused:
            access_requests.access_request_decide(request=request, by=people["eeas"], grant=True)
        assert "scope" in refused.value.message_dict
        assert AccessRequest.objects.get(pk=request.pk).status == AccessRequestStatus.PENDING
        client.force_login(people["eeas"])
        page = client.post(
            f"/cases/{case.pk}/access-requests/decide/", {"request": request.pk, "decision": "grant", "scope": "organisation"}
        )
        assert page.status_code == 400
        decided = access_requests.access_request_decide(request=request, by=people["eeas"], grant=True, scope="user")
        assert decided.status == AccessRequestStatus.GRANTED and can_view(people["chair"], Case.objects.get(pk=case.pk))
        assert not can_view(people["delegate"], Case.objects.get(pk=case.pk))


# --- Assessments that follow their cases ---------------------------------------------------------


def test_an_assessment_following_its_case_goes_when_the_case_is_restricted(people, client):
    """Regression: an assessment "with its cases" is seen by HWPCI while its
    only case is, and by nobody outside once the case is restricted; the
    rule, its SQL and its reverse agree."""
    case = opened(people)
    report = assessment(people, [case])
    client.force_login(people["outsider"])
    assert client.get(f"/api/v1/assessments/{report.pk}/").status_code == 200
    assert people["outsider"] in viewers_of(report)
    sharing.case_unshare(case=case, by=people["eeas"], hwpci=True, reason="Partner information")
    report.refresh_from_db()
    assert client.get(f"/api/v1/assessments/{report.pk}/").status_code == 404
    assert report.pk not in {row["id"] for row in client.get("/api/v1/assessments/").json()["results"]}
    assert not can_view(people["outsider"], report) and people["outsider"] not in viewers_of(report)
    # Through a RED case: only its named officials.
    red = opened(people, tlp=Tlp.RED)
    sharing.case_share(case=red, by=people["eeas"], user=people["siac"], reason="Assess it")
    red_report = assessment(people, [red], shared_with=[])
    assert not can_view(people["delegate"], red_report) and people["delegate"] not in viewers_of(red_report)
