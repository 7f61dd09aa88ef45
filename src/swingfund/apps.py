from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project package as an app, for the commands that belong to no one app: `swingfund db` (the database's
    roles and migrations), `swingfund worker` (the one queue, every app's tasks) and Django's `flush`, allowed to
    empty the append-only ledger (`swingfund django flush`)."""

    name = "swingfund"
    label = "swingfund"
    verbose_name = "swingfund"
