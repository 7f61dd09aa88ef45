from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "swingfund.public"
    label = "public"
