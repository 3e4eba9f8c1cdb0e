from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nazorat.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import events, signals  # noqa: F401 - event names; login/logout/failed-login and device hooks

        signals.connect()
