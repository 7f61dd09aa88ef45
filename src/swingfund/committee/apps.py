from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "swingfund.committee"
    label = "committee"
