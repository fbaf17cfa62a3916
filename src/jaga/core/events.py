"""Named domain events: how an app hears about another's work without importing it (the app graph runs
one way, core/tests/test_layers.py). The service that causes an event sends it; the apps that care
connect in their ``AppConfig.ready``. Every event is listed here, with who sends it and who listens.

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

Case saves and deletes still reach ``stats`` through model signals (``stats/apps.py``); they are to
become events here as the services that cause them are found (the architecture issue)."""

from __future__ import annotations

from django.dispatch import Signal

cases_imported = Signal()  # sender: the ImportJob's class; job=
linkage_run_finished = Signal()  # sender: the LinkageRun's class; run=
child_identity_changed = Signal()  # sender: the Child's class; child=
case_erased = Signal()  # sender: the Case's class; case=; each receiver answers {what: how many removed}
