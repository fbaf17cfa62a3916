from typing import Any

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "jaga.linkage"
    label = "linkage"
    verbose_name = "Linkage"

    def ready(self) -> None:
        """Linkage follows the children's identities through the case services' events (core/events.py)."""
        from jaga.core import events

        def identity_changed(sender: Any, child: Any, **kwargs: Any) -> None:
            from jaga.linkage.services import encoding_update

            encoding_update(child)

        def erased(sender: Any, case: Any, **kwargs: Any) -> dict[str, int]:
            from jaga.linkage.services import case_forget

            return case_forget(case)

        events.child_identity_changed.connect(identity_changed, dispatch_uid="linkage-encoding-follows-identity")
        events.case_erased.connect(erased, dispatch_uid="linkage-forgets-erased")
