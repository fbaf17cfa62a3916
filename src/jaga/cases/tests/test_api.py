from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jaga.accounts.models import User
from jaga.cases.models import Case
from jaga.cases.tests.test_access import api_client
from jaga.factories import PASSWORD

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {
    "registered_on": "2026-03-14",
    "source": "police",
    "forms": ["online"],
    "regency_code": "31.71",
    "child": {
        "full_name": "Sinta Maharani Uji",
        "nik": "3171074508120003",
        "date_of_birth": "2012-08-05",
        "sex": "female",
    },
    "consent": {"given_by": "guardian", "services": True, "sharing": True, "statistics": True},
}


def test_it_registers_a_case_from_the_documented_body(caseworker_jakarta: User) -> None:
    response = api_client(caseworker_jakarta).post("/api/v1/cases/", BODY, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "2026-00001" and body["regency_code"] == "31.71"
    assert body["child"]["age_band"] == "10-14" and "nik" not in body["child"], "the answer never repeats the identity"
    assert Case.objects.get(pk=body["id"]).forms == ["online"]


def test_it_answers_bad_input_with_field_errors(caseworker_jakarta: User) -> None:
    bad = {
        **BODY,
        "regency_code": "99.99",
        "child": {**BODY["child"], "nik": "123", "date_of_birth": "2099-01-01"},
        "consent": {"given_by": "nobody"},
    }
    response = api_client(caseworker_jakarta).post(
        "/api/v1/cases/", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"regency_code", "child", "consent"}
    assert set(errors["child"]) == {"nik", "date_of_birth"}
    assert set(errors["consent"]) == {"lawful_basis", "justification"}
    assert not Case.objects.exists()


def test_it_answers_malformed_json_with_a_400(caseworker_jakarta: User) -> None:
    response = api_client(caseworker_jakarta).post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400
    missing = api_client(caseworker_jakarta).post("/api/v1/cases/", {}, content_type="application/json")
    assert {"registered_on", "source", "forms", "regency_code", "child", "consent"} <= set(missing.json())


def test_an_unknown_case_id_is_a_404(caseworker_jakarta: User, anonymous: Client) -> None:
    assert api_client(caseworker_jakarta).get("/api/v1/cases/8d1f6c7e-2b1a-4c59-9f0e-111111111111/").status_code == 404


def test_referrals_through_the_api_grant_and_end_access(
    caseworker_jakarta: User, caseworker_bali: User, supervisor_bali: User
) -> None:
    jakarta = api_client(caseworker_jakarta)
    case_id = jakarta.post("/api/v1/cases/", BODY, content_type="application/json").json()["id"]
    bad = jakarta.post(
        f"/api/v1/cases/{case_id}/referrals/",
        {"to_organisation": "8d1f6c7e-2b1a-4c59-9f0e-111111111111", "service": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "service" in bad.json()
    sent = jakarta.post(
        f"/api/v1/cases/{case_id}/referrals/",
        {"to_organisation": str(caseworker_bali.organisation_id), "service": "shelter"},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.json()
    referral_id = sent.json()["id"]
    bali_worker, bali_supervisor = api_client(caseworker_bali), api_client(supervisor_bali)
    assert bali_worker.get(f"/api/v1/cases/{case_id}/").status_code == 404
    assert bali_worker.post(f"/api/v1/referrals/{referral_id}/accept/").status_code == 403
    assert bali_supervisor.post(f"/api/v1/referrals/{referral_id}/accept/").json()["state"] == "accepted"
    assert bali_worker.get(f"/api/v1/cases/{case_id}/").status_code == 404, "not until assigned to them"
    url = f"/api/v1/cases/{case_id}/assign/"
    wrong = {"assignee": "caseworker.jakarta@jaga.example", "reason": "Rumah aman"}
    refused = bali_supervisor.post(url, wrong, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()) == ["assignee"], "only the receiver's caseworkers"
    assert bali_worker.post(url, wrong, content_type="application/json").status_code == 403
    assign = {"assignee": caseworker_bali.email, "reason": "Rumah aman di Denpasar"}
    assigned = bali_supervisor.post(url, assign, content_type="application/json")
    assert assigned.status_code == 200 and assigned.json()["assignee"] == caseworker_bali.email
    bali_worker.post("/api/v1/auth/elevate/", {"secret": PASSWORD}, content_type="application/json")
    assert bali_worker.get(f"/api/v1/cases/{case_id}/").json()["child"]["full_name"] == "Sinta Maharani Uji"
    assert jakarta.post(f"/api/v1/referrals/{referral_id}/revoke/").json()["state"] == "revoked"
    assert bali_worker.get(f"/api/v1/cases/{case_id}/").status_code == 404
    assert bali_worker.post(f"/api/v1/referrals/{referral_id}/explode/").status_code == 404
    assert [r["id"] for r in bali_worker.get("/api/v1/referrals/").json()] == [referral_id]


def test_parts_are_added_through_the_api_and_identifying_parts_follow_the_role(caseworker_jakarta: User) -> None:
    client = api_client(caseworker_jakarta)
    case_id = client.post("/api/v1/cases/", BODY, content_type="application/json").json()["id"]
    made = client.post(
        f"/api/v1/cases/{case_id}/perpetrators/",
        {"relationship": "online_contact", "role": "online_offender", "identity": "Akun @contoh"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    assert "identity" not in made.json(), "an action's answer carries no identifying field"
    bad = client.post(
        f"/api/v1/cases/{case_id}/services/",
        {"service": "shelter", "started_on": "2026-03-10", "ended_on": "2026-03-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "ended_on" in bad.json()
    client.post(
        f"/api/v1/cases/{case_id}/legal/",
        {"stage": "reported", "police_report_number": "LP/1"},
        content_type="application/json",
    )
    assert "identity" not in client.get(f"/api/v1/cases/{case_id}/").json()["perpetrators"][0]
    client.post("/api/v1/auth/elevate/", {"secret": PASSWORD}, content_type="application/json")
    detail = client.get(f"/api/v1/cases/{case_id}/").json()
    assert detail["perpetrators"][0]["identity"] == "Akun @contoh"
    assert detail["legal"]["police_report_number"] == "LP/1"
    assert client.post(f"/api/v1/cases/{case_id}/weapons/", {}, content_type="application/json").status_code == 404
    listed = client.get("/api/v1/cases/").json()["results"][0]
    assert "identity" not in listed["perpetrators"][0] and "police_report_number" not in listed["legal"]
    assert listed["perpetrators"][0]["role"] == "online_offender"


def test_status_notes_and_consent_through_the_api(caseworker_jakarta: User, supervisor_jakarta: User) -> None:
    client = api_client(caseworker_jakarta)
    case_id = client.post("/api/v1/cases/", BODY, content_type="application/json").json()["id"]
    refused = client.post(f"/api/v1/cases/{case_id}/do/status/", {"status": "closed"}, content_type="application/json")
    assert refused.status_code == 400 and "status" in refused.json(), "statuses follow approvals"
    early = client.post(f"/api/v1/cases/{case_id}/do/status/", {"status": "services"}, content_type="application/json")
    assert early.status_code == 400, "services start after an approved plan"
    assert (
        client.post(
            f"/api/v1/cases/{case_id}/do/notes/", {"text": "Catatan"}, content_type="application/json"
        ).status_code
        == 200
    )
    bad = client.post(f"/api/v1/cases/{case_id}/do/consent/", {"given_by": "nobody"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"lawful_basis", "justification"}
    assert client.post(f"/api/v1/cases/{case_id}/do/dance/", {}, content_type="application/json").status_code == 404


def test_the_case_list_api_takes_the_pages_filters_and_refuses_bad_ones(
    caseworker_jakarta: User, register_case: object
) -> None:
    from datetime import date

    from jaga.audit.models import AuditEvent

    online = register_case(caseworker_jakarta)
    trafficking = register_case(
        caseworker_jakarta,
        forms=["trafficking"],
        registered_on=date(2025, 1, 10),
        exploitation_regency="51.71",
        child={"nik": "5171014101100002", "date_of_birth": date(2010, 1, 1), "full_name": "Anak Dua Uji"},
    )
    api = api_client(caseworker_jakarta)

    def ids(**params: str) -> list[str]:
        response = api.get("/api/v1/cases/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [str(online.pk), str(trafficking.pk)]  # newest first
    assert ids(form="trafficking") == [str(trafficking.pk)]
    assert ids(region="51") == [str(trafficking.pk)]
    assert ids(since="2026-01-01") == [str(online.pk)]
    assert ids(q=trafficking.reference) == [str(trafficking.pk)]
    assert ids(status="closed") == []
    # A NIK or a name never goes in a URL: the API says where to send it instead.
    refused = api.get("/api/v1/cases/", {"q": "5171014101100002"})
    assert refused.status_code == 400 and "POST /api/v1/cases/search/" in refused.json()["q"][0]
    found = api.post(
        "/api/v1/cases/search/", {"q": "5171014101100002", "form": "trafficking"}, content_type="application/json"
    )
    assert found.status_code == 200 and [r["id"] for r in found.json()["results"]] == [str(trafficking.pk)]
    assert AuditEvent.objects.filter(action="cases.case.searched").count() == 2
    bad = api.get("/api/v1/cases/", {"status": "lost", "since": "yesterday"})
    assert bad.status_code == 400 and set(bad.json()) == {"status", "since"}
    assert api.post("/api/v1/cases/search/", {"since": "x"}, content_type="application/json").status_code == 400
