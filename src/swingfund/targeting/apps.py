from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "swingfund.targeting"
    label = "targeting"
