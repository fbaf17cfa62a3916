"""Named domain events: how an app hears about another's work without importing it (the app graph runs
one way, core/tests/test_layers.py). The service that causes an event sends it; the apps that care
connect in their ``AppConfig.ready``. Every event is listed here, with who sends it and who listens.

- ``case_changed``: a case changed (``cases.timeline.case_event``, the timeline entry every service that
  changes a case writes: registration, consent, facts, status and approvals, referrals and transfers,
  perpetrators, services, legal process, assignment, notes, attachments, corrections, restriction,
  erasure); heard by ``stats`` (the dashboards recount after the commit).
- ``cases_imported``: a case import finished (``cases.imports``, bulk inserts send no save signals);
  heard by ``stats`` (the dashboards recount).
- ``linkage_run_finished``: a linkage run stored its clusters (``linkage.services``); heard by ``stats``
  (statistics count children: they recount).
- ``child_identity_changed``: a child's identity was registered or changed (``cases.services``
  registration, ``cases.facts`` corrections of the record, ``cases.subject`` corrections on request);
  heard by ``linkage`` (the child's encoding follows). Bulk registrations send nothing: a linkage run
  encodes every child without a current encoding first.
- ``case_erased``: a child's identity was erased on request (``cases.subject.subject_erase``); heard by
  ``linkage``, which forgets the child (encoding, cluster membership, pairs to review) and answers what
  it removed; the erasure's audit row lists every answer.

No app listens to another's model signals: a write that matters to another app goes through a
service, and the service sends the event. docs/adr/0017-app-layers-and-events.md says why."""

from __future__ import annotations

from django.dispatch import Signal

case_changed = Signal()  # sender: the Case's class; case=, kind= (the timeline entry's kind)
cases_imported = Signal()  # sender: the ImportJob's class; job=
linkage_run_finished = Signal()  # sender: the LinkageRun's class; run=
child_identity_changed = Signal()  # sender: the Child's class; child=
case_erased = Signal()  # sender: the Case's class; case=; each receiver answers {what: how many removed}
