from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "swingfund.elections"
    label = "elections"
