from typing import Any

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "jaga.linkage"
    label = "linkage"
    verbose_name = "Linkage"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jaga.cases.models import Child

        def child_saved(sender: Any, instance: Child, raw: bool = False, **kwargs: Any) -> None:
            if raw:  # fixtures
                return
            from jaga.linkage.services import encoding_update

            encoding_update(instance)

        post_save.connect(child_saved, sender=Child, dispatch_uid="linkage-encoding-follows-identity")
