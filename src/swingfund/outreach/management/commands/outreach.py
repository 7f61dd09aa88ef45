"""`swingfund outreach …`: supporters in (CSV), segments, data rights (export, erase, retention)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from swingfund.elections.models import Election
from swingfund.organisations.selectors import OrganisationError, organisation_get
from swingfund.outreach import rights, segments
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.importing import supporters_import
from swingfund.outreach.models import Supporter

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "Supporters and outreach: import a consented list, make segments, export or erase a supporter."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        imp = sub.add_parser("import", help="Import supporters from CSV (rows need consent evidence).")
        imp.add_argument("path", type=Path)
        imp.add_argument("--skip-refused", action="store_true", help="Import the good rows; list the refused.")
        imp.add_argument("--organisation", help="The group the supporters gave consent to (slug; default: the only "
                                                "group; required when there are several).")
        seg = sub.add_parser("segment", help="Make a segment of seats and show its counts per seat.")
        seg.add_argument("name")
        seg.add_argument("--channel", choices=["email", "whatsapp"], required=True)
        source = seg.add_mutually_exclusive_group(required=True)
        source.add_argument("--seats", help="Comma-separated GSS codes.")
        source.add_argument("--from-decisions", action="store_true", help="Seats of the committee's decisions.")
        source.add_argument("--from-targets", metavar="BLOC", help="Top seats of a targets run for this bloc.")
        seg.add_argument("--top", type=int, default=25)
        seg.add_argument("--organisation", help="The group (slug; default: the only group).")
        seg.add_argument("--election", help="Democracy Club id (default: the group's election).")
        seg.add_argument("--tag", action="append", default=[])
        seg.add_argument("--language", default="")
        exp = sub.add_parser("export", help="Everything held on one supporter, as JSON.")
        exp.add_argument("supporter", type=int)
        era = sub.add_parser("erase", help="Erase one supporter (delivery counts stay, anonymous).")
        era.add_argument("supporter", type=int)
        ret = sub.add_parser("retention", help="Erase everyone once the retention period after polling day ends.")
        ret.add_argument("--election", required=True)
        ret.add_argument("--days", type=int, default=rights.RETENTION_DAYS_DEFAULT)

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except OutreachRefusal as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_REFUSED) from None

    def _organisation(self, slug: str | None):
        try:
            return organisation_get(slug=slug)
        except OrganisationError as error:
            raise CommandError(str(error)) from None

    def _import(self, *, path: Path, skip_refused: bool, organisation: str | None, **_) -> None:
        report = supporters_import(organisation=self._organisation(organisation), text=path.read_text(encoding="utf-8"),
                                   file_name=path.name, skip_refused=skip_refused)  # fmt: skip
        self.stdout.write(f"{report.imported:,} supporters imported from {path.name}.")
        for line in report.refused:
            self.stdout.write(f"refused: {line}")

    def _segment(self, *, name, channel, seats, from_decisions, from_targets, top, election, tag, language,
                 organisation, **_):
        organisation = self._organisation(organisation)
        if not election:
            from swingfund.organisations.selectors import organisation_defaults

            election = organisation_defaults(organisation=organisation).election_id
        if seats:
            codes, basis, note = [c.strip() for c in seats.split(",") if c.strip()], "list", "hand-picked"
        elif from_decisions:
            codes = segments.constituencies_from_decisions(organisation=organisation, election_id=election)
            basis, note = "decisions", f"committee decisions for {election}"
        else:
            codes = segments.constituencies_from_targets(election_id=election, bloc=from_targets, top=top)
            basis, note = "targets", f"top {top} seats by P(pivotal), bloc {from_targets}, {election}"
        segment = segments.segment_create(organisation=organisation, name=name, basis=basis, basis_note=note,
                                          gss_codes=codes, channel=channel, tags=tag, language=language)
        self.stdout.write(f"Segment #{segment.pk} {name!r} ({note}):")
        total = 0
        for seat, n in segments.segment_counts(segment=segment):
            total += n
            self.stdout.write(f"  {seat.gss_code}  {seat.name:<45} {n:>7,}")
        self.stdout.write(f"  {'':9}  {'total':<45} {total:>7,}")

    def _export(self, *, supporter: int, **_) -> None:
        row = Supporter.objects.filter(pk=supporter, erased_at__isnull=True).first()
        if row is None:
            raise CommandError(f"No supporter #{supporter} (or erased).")
        self.stdout.write(json.dumps(rights.supporter_export(supporter=row), ensure_ascii=False, indent=1))

    def _erase(self, *, supporter: int, **_) -> None:
        row = Supporter.objects.filter(pk=supporter, erased_at__isnull=True).first()
        if row is None:
            raise CommandError(f"No supporter #{supporter} (or already erased).")
        rights.supporter_erase(supporter=row)
        self.stdout.write(f"Supporter #{supporter} erased.")

    def _retention(self, *, election: str, days: int, **_) -> None:
        poll = Election.objects.filter(pk=election).values_list("poll_date", flat=True).first()
        if poll is None:
            raise CommandError(f"Unknown election {election!r}.")
        polling_day = datetime.combine(poll, time.min, tzinfo=UTC)
        erased = rights.retention_apply(polling_day=polling_day, days=days)
        self.stdout.write(f"{erased:,} supporters erased ({days} days after polling day {poll}).")
