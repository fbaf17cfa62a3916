from __future__ import annotations

from django.db import models


class SyntheticPerson(models.Model):
    """Ground truth for synthetic data: which case records belong to the same (invented) child.

    Exists only for generated data, so that linkage can be measured against the truth.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="synthetic_person")
    person_key = models.CharField(max_length=32, db_index=True)
    variant = models.CharField(max_length=40, blank=True, help_text="how this record differs from the original")

    def __str__(self) -> str:
        return f"{self.person_key} ({self.case_id})"
