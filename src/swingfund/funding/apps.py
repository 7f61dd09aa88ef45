from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "swingfund.funding"
    label = "funding"
