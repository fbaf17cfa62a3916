"""Linkage inside Jaga: encodings follow identity, runs in the worker, the review queue, asks for
referral, statistics that count children. Nothing identifying may reach a page of the queue, the
audit details or the log."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaga.audit.models import AuditEvent
from jaga.cases.inputs import ChildInput
from jaga.cases.models import Case
from jaga.cases.subject import subject_correct, subject_erase
from jaga.conftest import run_worker
from jaga.linkage import services
from jaga.linkage.models import CaseEncoding, ClusterMember, LinkageRun, PairReview, ReferralAsk

SINTA: dict[str, Any] = {
    "full_name": "Sinta Maharani Uji",
    "nik": "3171074508120003",
    "date_of_birth": date(2012, 8, 5),
    "sex": "female",
    "phone": "0812 3456 7890",
    "address": "Jl. Kenanga No. 7, Menteng",
}
# The same girl as the NGO in Bali wrote her down: a typo, no NIK, an honorific.
SINTA_IN_BALI = {**SINTA, "full_name": "Sdri. Sinta Maharni Uji", "nik": "", "address": "Jl Kenanga 7 Menteng"}
OTHER = {
    "full_name": "Dewi Lestari Coba",
    "nik": "5171014101110002",
    "date_of_birth": date(2011, 1, 1),
    "sex": "female",
    "phone": "0813 1111 2222",
}
PLAIN = ["Sinta", "Maharani", "Maharni", "3171074508120003", "0812 3456 7890", "3456", "Kenanga", "Dewi Lestari"]


def assert_no_plaintext(text: str) -> None:
    for value in PLAIN:
        assert value not in text, value


@pytest.fixture
def two_records(register_case: Any, caseworker_jakarta: Any, caseworker_bali: Any) -> tuple[Case, Case, Case]:
    jakarta = register_case(caseworker_jakarta, child=SINTA)
    bali = register_case(caseworker_bali, child=SINTA_IN_BALI, exploitation_regency="51.71")
    other = register_case(caseworker_bali, child=OTHER, exploitation_regency="51.71")
    return jakarta, bali, other


@pytest.mark.django_db
def test_the_encoding_follows_the_identity_and_holds_no_plain_identifier(
    two_records: tuple[Case, Case, Case], caseworker_jakarta: Any, supervisor_jakarta: Any
) -> None:
    jakarta, _bali, _other = two_records
    encoding = CaseEncoding.objects.get(case=jakarta)
    assert encoding.fp == services.keys().fingerprint
    assert_no_plaintext(json.dumps(encoding.data))
    before = encoding.data["name_bf"]
    subject_correct(actor=supervisor_jakarta, case=jakarta, data=ChildInput(**{**SINTA, "full_name": "Sinta Putri"}))
    assert CaseEncoding.objects.get(case=jakarta).data["name_bf"] != before
    services.run_now()
    assert ClusterMember.objects.filter(case=jakarta).exists()
    subject_erase(actor=supervisor_jakarta, case=jakarta, confirm=jakarta.reference)
    assert not CaseEncoding.objects.filter(case=jakarta).exists()
    assert not ClusterMember.objects.filter(case=jakarta).exists()
    # The erasure says what linkage removed (the case_erased event's answer), in its audit row.
    from jaga.audit.models import AuditEvent

    row = AuditEvent.objects.filter(action="cases.subject.erased").latest("id")
    removed = row.details["removed"]
    assert removed["linkage encodings"] == 1 and removed["linkage cluster memberships"] == 1, removed
    assert "linkage pairs to review" in removed


@pytest.mark.django_db(transaction=True)
def test_a_run_in_the_worker_finds_the_child_at_two_organisations(
    two_records: tuple[Case, Case, Case],
    linkage_officer: Any,
    caseworker_jakarta: Any,
    caseworker_bali: Any,
    login_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    jakarta, bali, other = two_records
    CaseEncoding.objects.all().delete()  # as after a bulk import: the run encodes what is missing
    officer = login_client(linkage_officer)
    response = officer.post("/linkage/runs/")
    run = LinkageRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/linkage/runs/{run.pk}/"
    assert "Antre" in officer.get(f"/linkage/runs/{run.pk}/").content.decode() or run.state == "queued"
    with caplog.at_level(logging.DEBUG):
        run_worker()
    run.refresh_from_db()
    assert run.state == "done" and run.records == 3 and run.clusters == 2, run.error
    assert_no_plaintext(caplog.text)
    clusters = dict(ClusterMember.objects.values_list("case_id", "cluster"))
    assert clusters[jakarta.pk] == clusters[bali.pk] != clusters[other.pk]
    page = officer.get(f"/linkage/runs/{run.pk}/").content.decode()
    assert "UPTD" in page or "Duplikat" in page
    # The thresholds were chosen from the model (none configured) and the run keeps the ones it used.
    assert run.match_threshold is not None and 0 < run.review_threshold <= run.match_threshold < 1
    shown = f"{run.match_threshold:.3f}"
    assert shown in page or shown.replace(".", ",") in page
    organisations = {row["name"]: row for row in run.summary["organisations"]}
    assert organisations[jakarta.organisation.name]["linked"] == 1

    # The caseworker in Jakarta learns that one other organisation knows the child, not which file.
    jakarta_client = login_client(caseworker_jakarta)
    page = jakarta_client.get(f"/cases/{jakarta.pk}/").content.decode()
    assert "juga dikenal oleh 1 organisasi lain" in page
    assert str(bali.pk) not in page  # nothing points to the other file
    assert jakarta_client.get(f"/cases/{bali.pk}/").status_code == 404
    # She asks; Bali sees the ask on its case and refers the file through an ordinary referral.
    response = jakarta_client.post(f"/linkage/cases/{jakarta.pk}/ask/")
    assert response.status_code == 302
    ask = ReferralAsk.objects.get()
    assert ask.to_case == bali and ask.state == "open"
    assert AuditEvent.objects.filter(action="linkage.referral.asked", target_id=str(ask.pk)).exists()
    bali_client = login_client(caseworker_bali)
    page = bali_client.get(f"/cases/{bali.pk}/").content.decode()
    assert jakarta.organisation.name in page and "meminta Anda merujuk" in page
    response = bali_client.post(f"/linkage/asks/{ask.pk}/", {"answer": "refer"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{bali.pk}/?refer_to={jakarta.organisation_id}#referral"
    page = bali_client.get(response["Location"]).content.decode()
    assert f'value="{jakarta.organisation_id}" selected' in page
    ask.refresh_from_db()
    assert ask.state == "referred"
    for event in AuditEvent.objects.filter(action__startswith="linkage."):
        assert_no_plaintext(json.dumps(event.details))


@pytest.mark.django_db
def test_the_review_queue_shows_evidence_never_identity_and_decisions_hold(
    two_records: tuple[Case, Case, Case], linkage_officer: Any, login_client: Any, caseworker_jakarta: Any
) -> None:
    jakarta, bali, other = two_records
    services.run_now()
    assert ClusterMember.objects.get(case=jakarta).cluster == ClusterMember.objects.get(case=bali).cluster
    a, b = sorted([jakarta, bali], key=lambda case: str(case.pk))
    pair = PairReview.objects.create(case_a=a, case_b=b, probability=0.97, evidence={"name": "close", "nik": "missing"})
    officer = login_client(linkage_officer)
    listing = officer.get("/linkage/review/").content.decode()
    assert "0.97" in listing or "0,97" in listing
    page = officer.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "sangat mirip" in page  # "agree closely" in Indonesian
    assert jakarta.organisation.name in page and bali.organisation.name in page
    assert_no_plaintext(page)
    assert jakarta.reference not in page and bali.reference not in page
    # A caseworker may not review.
    assert login_client(caseworker_jakarta).get("/linkage/review/").status_code == 403

    response = officer.post(f"/linkage/review/{pair.pk}/", {"decision": "different"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "different" and pair.decided_by == linkage_officer
    event = AuditEvent.objects.get(action="linkage.pair.decided", target_id=str(pair.pk))
    assert event.details["decision"] == "different"
    assert_no_plaintext(json.dumps(event.details))
    # The next run respects the decision: two children now.
    run = services.run_now()
    assert run.clusters == 3
    assert ClusterMember.objects.get(case=jakarta).cluster != ClusterMember.objects.get(case=bali).cluster
    # And "same child" joins records the model would keep apart.
    c, d = sorted([jakarta, other], key=lambda case: str(case.pk))
    joined = PairReview.objects.create(case_a=c, case_b=d, probability=0.7, evidence={})
    services.pair_decide(actor=linkage_officer, pair=joined, decision="same")
    services.run_now()
    assert ClusterMember.objects.get(case=jakarta).cluster == ClusterMember.objects.get(case=other).cluster
    assert PairReview.objects.filter(decision="different").count() == 1  # decisions survive runs


@pytest.mark.django_db
def test_bad_decisions_are_refused(
    two_records: tuple[Case, Case, Case], linkage_officer: Any, login_client: Any
) -> None:
    jakarta, bali, _other = two_records
    pair = PairReview.objects.create(case_a=jakarta, case_b=bali, probability=0.8, evidence={})
    response = login_client(linkage_officer).post(f"/linkage/review/{pair.pk}/", {"decision": "maybe"}, follow=True)
    assert response.status_code == 200
    pair.refresh_from_db()
    assert pair.decision == "open"
    assert "Pilih" in response.content.decode()


@pytest.mark.django_db
def test_statistics_count_children_once_linkage_has_run(two_records: tuple[Case, Case, Case]) -> None:
    from jaga.stats.aggregates import stats_refresh

    before = stats_refresh()
    assert (before.cases, before.children, before.linked) == (3, 3, False)
    services.run_now()
    after = stats_refresh()
    assert (after.cases, after.children, after.linked) == (3, 2, True)


@pytest.mark.django_db
def test_only_one_run_at_a_time_and_the_command_runs_one(
    two_records: tuple[Case, Case, Case], linkage_officer: Any
) -> None:
    first = services.run_start(actor=linkage_officer)
    assert services.run_start(actor=linkage_officer) == first
    with pytest.raises(CommandError, match=r"sudah antre|already"):
        call_command("linkage", "run")
    # A run whose worker died long ago does not block the next one for ever.
    LinkageRun.objects.filter(pk=first.pk).update(created_at=first.created_at - services.STALE_AFTER * 2)
    call_command("linkage", "run")
    first.refresh_from_db()
    assert first.state == "failed"
    assert LinkageRun.objects.filter(state="done").count() == 1
