from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jaga.audit"
    label = "audit"
    verbose_name = "Audit log"
