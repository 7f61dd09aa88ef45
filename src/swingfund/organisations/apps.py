from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "swingfund.organisations"
    label = "organisations"
    verbose_name = "Organisations"
