"""Benchmark: outreach at 100,000 supporters.

    python benchmarks/outreach.py [--supporters 100000] [--send 2000] [--rate 200]

Measures, on a throwaway database (SQLite unless DATABASE_URL is set), in one run:

* importing N supporters from a consented CSV (`supporters_import`: validation of every row, postcode lookup,
  executemany/COPY) — target under 10 s for 100,000;
* queueing one approved message to all of them (`message_queue`) — target under 10 s for 100,000;
* baseline for both: the ORM's `bulk_create` of the same supporter rows (the path the importer replaced),
  timed on a 10,000-row subset and scaled;
* the worker's sustained send rate to the local WhatsApp Cloud API stand-in (real pywa client over HTTP) for
  `--send` messages with the configured limit `--rate`, and the ratio to that limit (it should sit just under 1);
  and the same with the limit raised far above, i.e. the worker's ceiling on this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supporters", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="swingfund-outreach-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("SWINGFUND_HOME", str(tmp))
    os.environ["DJANGO_SETTINGS_MODULE"] = "swingfund.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from swingfund.outreach.channels import whatsapp as wa_channel
    from swingfund.outreach.delivery import channel_drain
    from swingfund.outreach.models import Delivery, Supporter
    from swingfund.testing.outreach_load import world_create
    from swingfund.testing.whatsapp import CloudApiStandIn

    print(f"database: {connection.vendor}; supporters: {args.supporters:,}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs (wall times include waiting for a CPU; CPU times do not)")
    world = world_create(supporters=args.supporters, channel="whatsapp")
    print(f"import  {args.supporters:>9,} supporters: {world['import_seconds']:6.2f} s "
          f"({args.supporters / world['import_seconds']:,.0f}/s; CPU {world['import_cpu_seconds']:.2f} s)  "
          "target < 10 s: "
          f"{'OK' if world['import_seconds'] < 10 else 'MISSED'}")
    print(f"queue   {world['queued']:>9,} messages:   {world['queue_seconds']:6.2f} s "
          f"({world['queued'] / world['queue_seconds']:,.0f}/s; CPU {world['queue_cpu_seconds']:.2f} s)  "
          "target < 10 s: "
          f"{'OK' if world['queue_seconds'] < 10 else 'MISSED'}")

    # Baseline: the ORM's bulk_create of the same supporter rows (10,000, scaled), rolled back.
    from django.db import transaction

    from swingfund.outreach.services import new_referral_code, new_token

    sample = list(Supporter.objects.order_by("pk")[:10_000])
    with transaction.atomic():
        for s in sample:
            s.pk, s.email, s.phone, s.token, s.referral_code = None, "b" + s.email, "", new_token(), new_referral_code()
        start = time.perf_counter()
        Supporter.objects.bulk_create(sample, batch_size=2000)
        orm = (time.perf_counter() - start) * args.supporters / len(sample)
        transaction.set_rollback(True)
    print(f"baseline ORM bulk_create of the supporter rows alone, scaled to {args.supporters:,}: {orm:6.2f} s "
          f"(import with validation and consents = {world['import_seconds'] / orm:.2f}× that)")

    with CloudApiStandIn(tier="TIER_UNLIMITED", approved_templates={"seat_update"}) as cloud:
        settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_ID = cloud.token, cloud.phone_id
        settings.WHATSAPP_API_BASE = cloud.base_url
        settings.OUTREACH_WHATSAPP_TIER = ""
        wa_channel._local.__dict__.clear()
        for label, rate in (("configured limit", args.rate), ("ceiling (limit 100,000/s)", 100_000.0)):
            settings.OUTREACH_RATES = {"email": rate, "whatsapp": rate}
            start = time.perf_counter()
            result = channel_drain(channel="whatsapp", max_messages=args.send)
            elapsed = time.perf_counter() - start
            achieved = result.sent / elapsed
            ratio = f"= {achieved / rate:.3f} × the limit" if rate < 100_000 else ""
            print(f"worker send rate, {label} {rate:,.0f}/s: {result.sent:,} sent in {elapsed:.2f} s → "
                  f"{achieved:,.1f} msg/s {ratio}")
    print(f"deliveries sent so far: {Delivery.objects.filter(status='sent').count():,}")


if __name__ == "__main__":
    main()
