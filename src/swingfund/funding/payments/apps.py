from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card gifts through Stripe: the webhook event store lives in its own app (label `payments`)
    so that its migrations are independent of the ledger's."""

    name = "swingfund.funding.payments"
    label = "payments"

