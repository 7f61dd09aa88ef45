from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "swingfund.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers `check --deploy`'s identity, key and sender checks)
