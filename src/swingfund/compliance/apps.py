from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "swingfund.compliance"
    label = "compliance"
