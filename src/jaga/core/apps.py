from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jaga.core"
    label = "core"
    verbose_name = "Jaga core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from jaga.core.api_fields import make_fields_strict
        from jaga.core.metrics import login_failed

        make_fields_strict()
        user_login_failed.connect(login_failed, dispatch_uid="jaga-metrics-login-failed")
