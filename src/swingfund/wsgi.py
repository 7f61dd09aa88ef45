"""The WSGI application `swingfund serve` (Granian) runs: Django, with Stripe's webhook answered on its hot path
(`funding/payments/receiver.py`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
application = get_wsgi_application()

from swingfund.funding.payments.receiver import with_webhook_receiver  # noqa: E402 — needs Django set up

application = with_webhook_receiver(application)
