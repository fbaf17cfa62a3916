from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jaga.core"
    label = "core"
    verbose_name = "Jaga core"

    def ready(self) -> None:
        from jaga.core.api_fields import make_fields_strict

        make_fields_strict()
