"""The WSGI application `swingfund serve` (Granian) runs: Django, with Stripe's webhook answered on its hot path
(`funding/payments/receiver.py`)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
# Served threads hand the interpreter lock over sooner than Python's default 5 ms: a short request (the health check,
# a webhook) waiting behind threads writing large pages gets its turn within about a millisecond.
sys.setswitchinterval(float(os.environ.get("SWINGFUND_SWITCH_INTERVAL", "0.001")))
application = get_wsgi_application()

from swingfund.funding.payments.receiver import with_webhook_receiver  # noqa: E402 — needs Django set up

application = with_webhook_receiver(application)
