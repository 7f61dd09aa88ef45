from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "swingfund.planning"
    label = "planning"
