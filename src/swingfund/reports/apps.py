from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Returns and the spending record, built from the ledger: above money, beside outreach."""

    name = "swingfund.reports"
    label = "reports"
