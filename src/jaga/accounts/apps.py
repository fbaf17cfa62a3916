from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jaga.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from jaga.accounts import signals  # noqa: F401  (connects the audit of logins)
