from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jaga.cases.models import Case, Child
from jaga.synth.demo import demo_seed
from jaga.synth.models import SyntheticPerson

pytestmark = pytest.mark.django_db


def test_it_creates_cases_with_ground_truth_for_linkage(regions: None) -> None:
    demo_seed(password="demo-pass-12345", cases=0)
    out = StringIO()
    call_command("synth", "--cases", "300", "--seed", "3", stdout=out)
    assert "300 synthetic cases" in out.getvalue()
    assert Case.objects.count() == 300
    truth = Counter(SyntheticPerson.objects.values_list("person_key", flat=True))
    repeated = [key for key, n in truth.items() if n > 1]
    assert 10 <= len(repeated) <= 80, "some children are known to two organisations"
    variants = set(SyntheticPerson.objects.exclude(variant="original").values_list("variant", flat=True))
    assert variants <= {"nickname", "typo", "no_nik", "year_off", "sibling", "twin"} and len(variants) >= 2
    # Siblings are other children: a key of their own, sharing the family's details.
    siblings = SyntheticPerson.objects.filter(variant__in=["sibling", "twin"])
    assert siblings.exists() and all(person.person_key.endswith("-s") for person in siblings)
    sexes = Counter(Child.objects.values_list("sex", flat=True))
    assert sexes["female"] > sexes["male"]
    provinces = Counter(code[:2] for code in Case.objects.values_list("exploitation_regency", flat=True))
    assert provinces.most_common(1)[0][0] in {"32", "35", "33"}, "the most populous provinces lead"


def test_the_same_seed_gives_the_same_children(regions: None) -> None:
    from jaga.synth.cases import synth_cases

    synth_cases(count=20, seed=9)
    first = sorted(Child.objects.values_list("age_at_registration", "sex", "nik_index"))
    Case.objects.all().delete()
    synth_cases(count=20, seed=9)
    assert sorted(Child.objects.values_list("age_at_registration", "sex", "nik_index")) == first


def test_the_demo_gives_every_role_work_on_its_home(regions: None) -> None:
    """`make run`'s first pages: each demo login sees something waiting for it, with a count."""
    import re

    from django.test import Client

    from jaga.accounts.models import User
    from jaga.synth.demo import DEMO_USERS

    demo_seed(password="demo-pass-12345", cases=400)
    idle = []
    for email, *_rest in DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page = client.get("/").content.decode()
        counts = [
            int(n)
            for n in re.findall(r'<ul class="cards work">.*?</ul>', page, re.S)
            and re.findall(r"<strong>(\d+)</strong>", re.findall(r'<ul class="cards work">.*?</ul>', page, re.S)[0])
        ]
        if not any(counts):
            idle.append(email)
    assert idle == [], f"these roles find nothing to do on their first page: {idle}"
    # The demo units' cases went through the real workflow: every status, approvals waiting, overdue tasks.
    from jaga.cases.models import Assessment, CasePlan, Referral, Task
    from jaga.notifications.models import Notification

    units = Case.objects.filter(organisation__name__endswith="(demo)")
    statuses = set(units.values_list("status", flat=True))
    assert {"registered", "assessed", "case_plan", "services", "closed", "reopened"} <= statuses
    assert Assessment.objects.filter(state="submitted").exists() and CasePlan.objects.filter(state="submitted").exists()
    assert Task.objects.filter(case__in=units, state="open", due_on__lt=date.today()).exists()
    assert Referral.objects.filter(state="requested").exists() and Referral.objects.filter(state="declined").exists()
    supervisor = User.objects.get(email="supervisor.jakarta@jaga.example")
    assert Notification.objects.filter(user=supervisor, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=supervisor, read_at__isnull=False).exists()
