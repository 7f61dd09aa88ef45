from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Card gifts through Stripe: the webhook event store lives in its own app (label `payments`)
    so that its migrations are independent of the ledger's."""

    name = "swingfund.funding.payments"
    label = "payments"

    def ready(self) -> None:
        from django.core.signals import request_started

        from swingfund.funding.payments.processor import START_SIGNAL_UID, processor_start_on_request

        request_started.connect(processor_start_on_request, dispatch_uid=START_SIGNAL_UID)
