from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "swingfund.api"
    label = "api"
