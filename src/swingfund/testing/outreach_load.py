"""Load harness for outreach: builds a world of N consenting supporters in a few seats (through the CSV import,
as a group would), one approved message to all of them, and queues it. Used by the worker-kill test and by
`benchmarks/outreach.py`; run in its own process against a scratch database:

    DATABASE_URL=… python -m swingfund.testing.outreach_load --supporters 10000 --channel email
prints one JSON line: {"import_seconds", "queue_seconds", "queued", "message_id"}.
"""

from __future__ import annotations

import argparse
import json
import os
import time

SEATS = (("E14001085", "Bermondsey and Old Southwark", "SE12DL"), ("E14001352", "Manchester Central", "M11AD"))
TEMPLATE = "seat_update"


def csv_text(*, supporters: int, channel: str) -> str:
    from swingfund.outreach import consent

    when = "2026-05-01T10:00:00Z"
    lines = ["first_name,email,phone,postcode,language,consent_special_at,consent_email_at,consent_whatsapp_at,"
             "consent_version,consent_source,email_confirmed_at,phone_confirmed_at"]  # fmt: skip
    for n in range(supporters):
        postcode = SEATS[n % len(SEATS)][2]
        email_at, wa_at = (when, "") if channel == "email" else ("", when)
        lines.append(f"P{n},p{n}@example.org,+447911{n:06d},{postcode},{'ur' if n % 5 == 0 else 'en'},{when},"
                     f"{email_at},{wa_at},{consent.VERSION},load test,{when},{when}")  # fmt: skip
    return "\n".join(lines) + "\n"


def world_create(*, supporters: int, channel: str) -> dict:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from swingfund.elections.models import Constituency, DataSource, Postcode
    from swingfund.organisations.models import Organisation
    from swingfund.outreach.importing import supporters_import
    from swingfund.outreach.messaging import message_approve, message_create, message_queue
    from swingfund.outreach.segments import segment_create

    call_command("migrate", verbosity=0, interactive=False)
    source = DataSource.objects.create(key="load-test", title="load test", publisher="swingfund", file_name="-",
                                       sha256="0" * 64, imported_at=timezone.now())  # fmt: skip
    for code, name, postcode in SEATS:
        seat = Constituency.objects.create(gss_code=code, boundary_set="pcon2024", name=name, nation="E", source=source)
        Postcode.objects.create(postcode=postcode, boundary_set="pcon2024", constituency=seat, source=source)
    organisation = Organisation.objects.create(name="Load Group", slug="load-group",
                                               address="1 Load Lane, Leeds, LS1 1AA", sender_email="load@example.org")
    author = User.objects.create_user("author")
    approver = User.objects.create_user("approver")
    text = csv_text(supporters=supporters, channel=channel)
    start, cpu = time.perf_counter(), time.process_time()
    report = supporters_import(organisation=organisation, text=text, file_name="load.csv")
    import_seconds, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    segment = segment_create(organisation=organisation, name="All", basis="list", gss_codes=[s[0] for s in SEATS],
                             channel=channel)  # fmt: skip
    message = message_create(segment=segment, title="Load", author=author, whatsapp_template=TEMPLATE,
                             translations={"en": ("Vote in {seat}", "Hi {first_name}, {seat} is close."),
                                           "ur": ("{seat}", "سلام {first_name}")})  # fmt: skip
    message_approve(message=message, approver=approver)
    start, cpu = time.perf_counter(), time.process_time()
    queued = message_queue(message=message)
    queue_seconds, queue_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"imported": report.imported, "import_seconds": import_seconds, "queue_seconds": queue_seconds,
            "import_cpu_seconds": import_cpu, "queue_cpu_seconds": queue_cpu, "queued": queued,
            "message_id": message.pk}  # fmt: skip


def report() -> dict:
    """Delivery counts by status, and deliveries with more than one `sent` in their log."""
    from django.db.models import Count

    from swingfund.outreach.models import Delivery, DeliveryEvent

    by_status = dict(Delivery.objects.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    twice = (DeliveryEvent.objects.filter(kind="sent").values("delivery").annotate(n=Count("pk")).filter(n__gt=1)
             .count())  # fmt: skip
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    return {"by_status": by_status, "sent_twice_in_log": twice, "first_id": ids[0], "last_id": ids[-1],
            "recovered": DeliveryEvent.objects.filter(kind="recovered").count()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supporters", type=int, default=10_000)
    parser.add_argument("--channel", choices=["email", "whatsapp"], default="email")
    parser.add_argument("--report", action="store_true", help="Print the delivery counts instead.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django

    django.setup()
    if args.report:
        print(json.dumps(report()))
        return
    print(json.dumps(world_create(supporters=args.supporters, channel=args.channel)))


if __name__ == "__main__":
    main()
