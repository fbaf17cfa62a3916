from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Jaga: backups and their schedule (and, as they come, retention and the breach register)."""

    name = "jaga.operations"
    label = "operations"
    verbose_name = "Operations"
