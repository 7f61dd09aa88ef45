from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "swingfund.outreach"
    label = "outreach"
    verbose_name = "Supporters and outreach"
