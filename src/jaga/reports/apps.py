from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The annual report (laporan tahunan): built from every part of Jaga, reviewed, approved, published."""

    name = "jaga.reports"
    label = "reports"
    verbose_name = "Reports"
