"""`swingfund funding …`: the treasurer's commands.

    swingfund funding campaign --slug SLUG --title T --goal 20000 --purpose "…" --starts 2024-05-23 --ends 2024-07-04
    swingfund funding gift --campaign SLUG --amount 25.00 --method cheque --reference CHQ 100234 \\
        --name "Ann Smith" --address "1 High St, Leeds" --postcode LS1 1AA [--email …] [--consent] \\
        [--received 2024-06-01] [--for-candidacy ID] [--anonymous]
    swingfund funding grants [--organisation SLUG] [--campaign SLUG]   # payable grants from committee decisions
    swingfund funding pay --grant ID --reference BANKREF
    swingfund funding check --gift ID --category uk_elector --evidence "register 2024"   # release a held gift
    swingfund funding return --gift ID --reference BANKREF                # return a held gift
    swingfund funding spend --campaign SLUG --candidacy ID --kind leaflet --description "…" --amount 350
        (an election agent's written authority to spend more is recorded by `swingfund compliance authority`)
    swingfund funding tasks                                               # open compliance tasks
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from swingfund.cliargs import past_moment, positive_id
from swingfund.compliance.checks import ComplianceRefusal
from swingfund.compliance.ua import POLITICAL_CONTRIBUTION_KINDS
from swingfund.display import money
from swingfund.funding import rules, selectors, services
from swingfund.funding.models import Campaign, Donation, Grant, Method, PermissibilityCategory, Refund

UNKNOWN_CAMPAIGN = "No campaign with slug '{slug}'."
UNKNOWN_GRANT = "No grant #{id}."
NOT_FOUND = "No such {what}: check the slug or id given."
UNKNOWN_GIFT = "No gift #{id}."
ANONYMOUS_CANNOT_BE_CHECKED = "An anonymous gift cannot be checked: it must be returned (`swingfund funding return`)."
DONOR_NEEDED = "Give the donor's --name (and address), or --anonymous for a gift at or under the threshold."
BAD_DATE = "--received must be a date (YYYY-MM-DD) or an ISO date-time; got {value!r}."
OFFLINE_ONLY = "Card gifts arrive through Stripe; record only bank transfers, cheques and cash here."


def _received(value: str | dt.datetime | None) -> dt.datetime:
    if not value:
        return timezone.now()
    if isinstance(value, dt.datetime):  # already parsed and range-checked (cliargs.past_moment)
        return value
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(BAD_DATE.format(value=value)) from error
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


class Command(BaseCommand):
    help = "Record offline gifts, turn committee decisions into payable grants, pay them, list compliance tasks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        campaign = sub.add_parser("campaign", help="Open a campaign.")
        campaign.add_argument("--slug", required=True)
        campaign.add_argument("--title", required=True)
        campaign.add_argument("--goal", required=True, help="In pounds, e.g. 20000")
        campaign.add_argument("--mode", choices=["pooled", "earmarked"], default="pooled")
        campaign.add_argument("--purpose", required=True, help="Who the money is for and what it is for")
        campaign.add_argument("--description", default="")
        campaign.add_argument("--starts", required=True, help="UTC date or date-time")
        campaign.add_argument("--ends", required=True, help="UTC date or date-time")
        campaign.add_argument("--organisation", help="Organisation slug")
        gift = sub.add_parser("gift", help="Record a bank transfer, cheque or cash gift.")
        gift.add_argument("--campaign", required=True)
        gift.add_argument("--amount", required=True, help="In pounds, e.g. 25 or 25.50")
        gift.add_argument("--method", required=True,
                          choices=[m for m in Method.values if m != Method.CARD])
        gift.add_argument("--reference", required=True, help="Bank reference, cheque number or receipt number")
        gift.add_argument("--name", default="")
        gift.add_argument("--email", default="")
        gift.add_argument("--address", default="")
        gift.add_argument("--postcode", default="")
        gift.add_argument("--consent", action="store_true", help="The donor agreed to have their name published.")
        gift.add_argument("--anonymous", action="store_true")
        gift.add_argument("--received", type=past_moment, help="Date received (UTC, 2000 to now), default now")
        gift.add_argument("--for-candidacy", type=positive_id,
                          help="Earmarked campaigns: the candidacy id the gift is for")
        gift.add_argument("--by", default="treasurer", help="Who is recording it")
        grants = sub.add_parser("grants", help="Create payable grants from the committee's approved decisions.")
        grants.add_argument("--organisation", help="Organisation slug (default: all)")
        grants.add_argument("--campaign", help="Campaign slug that pays (default: chosen per decision)")
        pay = sub.add_parser("pay", help="Record the bank payment of a grant.")
        pay.add_argument("--grant", type=positive_id, required=True)
        pay.add_argument("--reference", required=True)
        pay.add_argument("--agent-name", default="")
        check = sub.add_parser("check", help="Record a held gift's donor check; releases a permissible donor's gift.")
        check.add_argument("--gift", type=positive_id, required=True)
        check.add_argument("--category", required=True, choices=[c for c in PermissibilityCategory.values
                                                                 if c != PermissibilityCategory.UNKNOWN])
        check.add_argument("--evidence", required=True)
        check.add_argument("--by", default="treasurer")
        give_back = sub.add_parser("return", help="Record the return of a held gift to its giver.")
        give_back.add_argument("--gift", type=positive_id, required=True)
        give_back.add_argument("--reference", required=True)
        give_back.add_argument("--by", default="treasurer")
        give_back.add_argument("--manner", choices=Refund.Manner.values, default=None,
                               help="To whom it went back (default: the donor, or for an anonymous gift the payer)")
        to_commission = sub.add_parser("unreturnable", help="An anonymous held gift whose payer and bank are unknown: "
                                                            "open the task of sending it to the Electoral Commission.")
        to_commission.add_argument("--gift", type=positive_id, required=True)
        offer = sub.add_parser("offer", help="Offer a grant to the candidate's election agent (named, with contact).")
        offer.add_argument("--grant", type=positive_id, required=True)
        offer.add_argument("--agent", required=True, help="The election agent's name")
        offer.add_argument("--email", default="")
        offer.add_argument("--phone", default="")
        offer.add_argument("--address", default="")
        answer = sub.add_parser("answer", help="Record the agent's answer: accepted, declined, or returned (paid "
                                               "and sent back); declined and returned grants come back to the fund.")
        answer.add_argument("--grant", type=positive_id, required=True)
        answer.add_argument("--answer", choices=["accepted", "declined", "returned"], required=True)
        answer.add_argument("--on", type=dt.date.fromisoformat, required=True, help="Date of the answer (YYYY-MM-DD)")
        answer.add_argument("--note", default="")
        contribute = sub.add_parser("contribute", help="Record a political contribution the group made (PPERA 2000 "
                                                       "Sch 19A): to a party, a registered campaigner or a donee.")
        contribute.add_argument("--campaign", required=True)
        contribute.add_argument("--kind", choices=list(POLITICAL_CONTRIBUTION_KINDS), required=True)
        contribute.add_argument("--recipient", required=True)
        contribute.add_argument("--amount", required=True, help="In pounds")
        contribute.add_argument("--on", type=dt.date.fromisoformat, required=True, help="Date made (YYYY-MM-DD)")
        spend = sub.add_parser("spend", help="Record spending about a named candidate (ads, leaflets, messages); "
                                             "an agent's written authority to spend more: swingfund compliance "
                                             "authority.")
        spend.add_argument("--campaign", required=True)
        spend.add_argument("--candidacy", type=positive_id, required=True)
        spend.add_argument("--kind", choices=["advert", "leaflet", "message", "other"], required=True)
        spend.add_argument("--description", required=True)
        spend.add_argument("--amount", required=True, help="In pounds")
        spend.add_argument("--spent", type=past_moment, help="UTC date or date-time (2000 to now), default now")
        spend.add_argument("--supplier", default="")
        spend.add_argument("--invoice", default="")
        sub.add_parser("tasks", help="List open compliance tasks (held gifts to verify or return, splitting, …).")
        export = sub.add_parser("export", help="Everything held on a donor, as JSON (a subject access request).")
        export.add_argument("--donor", type=positive_id, required=True)
        export.add_argument("--out", help="Write to this file (default: standard output)")
        erase = sub.add_parser("erase", help="Erase a donor's personal data (refused while the law keeps the record).")
        erase.add_argument("--donor", type=positive_id, required=True)
        erase.add_argument("--by", required=True, help="Who is erasing it")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "_campaign_open" if action == "campaign" else f"_{action}")(**options)
        except (ValueError, ComplianceRefusal) as error:
            raise CommandError(str(error)) from error
        except ObjectDoesNotExist as error:  # an organisation slug or candidacy id that names nothing
            raise CommandError(NOT_FOUND.format(what=str(error).split(" matching")[0]), returncode=2) from error

    def _campaign(self, slug: str) -> Campaign:
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(UNKNOWN_CAMPAIGN.format(slug=slug))
        return campaign

    def _campaign_open(self, **options):
        from swingfund.organisations.selectors import organisation_get

        org = organisation_get(slug=options["organisation"])  # a campaign always raises for one group
        made = services.campaign_create(
            organisation=org, slug=options["slug"], title=options["title"],
            description=options["description"] or options["purpose"], purpose=options["purpose"],
            mode=options["mode"], goal_pence=rules.parse_pounds(options["goal"]),
            starts_at=_received(options["starts"]), ends_at=_received(options["ends"]))
        self.stdout.write(f"Campaign '{made.slug}' open: /funding/campaigns/{made.slug}/")

    def _gift(self, *, campaign, amount, method, reference, name, email, address, postcode, consent, anonymous,
              received, for_candidacy, by, **_):
        from swingfund.elections.models import Candidacy

        target = self._campaign(campaign)
        pence = rules.parse_pounds(amount)
        if not anonymous and not name.strip():
            raise CommandError(DONOR_NEEDED)
        candidacy = Candidacy.objects.get(pk=for_candidacy) if for_candidacy else None
        donor = None if anonymous else services.DonorDetails(
            name=name, email=email, address=address, postcode=postcode, consent_publish=consent)
        gift = services.donation_record_with_donor(services.GiftDetails(
            campaign=target, donor=donor, amount_pence=pence, method=method, reference=reference,
            received_at=_received(received), earmarked_candidacy=candidacy, recorded_by=by))
        self.stdout.write(f"Recorded gift #{gift.pk}: {money(gift.amount_pence, short=True)} by {gift.method}, "
                          f"ledger transaction #{gift.transaction_id}, status {gift.status}.")
        if gift.status == gift.Status.HELD:
            self.stdout.write(self.style.WARNING(f"HELD: {gift.hold_reason}"))
            for task in gift.tasks.all():
                self.stdout.write(self.style.WARNING(f"  task: {task.description} (source: {task.citation})"))
        if gift.split_suspected:
            self.stdout.write(self.style.WARNING("Flagged: possible splitting of a gift to stay under a threshold."))

    def _export(self, *, donor, out, **_):
        from swingfund.funding.models import Donor

        text = json.dumps(services.donor_export(donor=Donor.objects.get(pk=donor)), indent=1, ensure_ascii=False)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote everything held on donor #{donor} to {out}.")
        else:
            self.stdout.write(text)

    def _erase(self, *, donor, by, **_):
        from swingfund.funding.models import Donor

        try:
            erased = services.donor_erase(donor=Donor.objects.get(pk=donor), by=by)
        except services.ErasureRefused as refused:
            raise CommandError(str(refused), returncode=2) from refused
        self.stdout.write(f"Donor #{erased.pk} erased: now '{erased.name}'; their gifts stay in the ledger by number.")

    def _grants(self, *, organisation, campaign, **_):
        from swingfund.committee.selectors import decided_grants
        from swingfund.organisations.selectors import organisation_get

        org = organisation_get(slug=organisation)  # one group's decisions, never every group's at once
        payer = self._campaign(campaign) if campaign else None
        for decision in decided_grants(organisation=org):
            try:
                grant = services.grant_create_from_decision(decision=decision, campaign=payer)
            except (ValueError, ComplianceRefusal) as error:
                self.stdout.write(self.style.ERROR(f"Decision #{decision.pk}: {error}"))
                continue
            self.stdout.write(f"Grant #{grant.pk}: {money(grant.amount_pence, short=True)} to {grant.candidacy} "
                              f"({grant.status})")

    def _pay(self, *, grant, reference, agent_name, **_):
        row = Grant.objects.filter(pk=grant).first()
        if row is None:
            raise CommandError(UNKNOWN_GRANT.format(id=grant))
        paid = services.grant_pay(grant=row, bank_reference=reference, agent_name=agent_name)
        self.stdout.write(f"Grant #{paid.pk} paid ({paid.bank_reference}); ledger transaction #{paid.payment_id}. "
                          f"Donation notice: /funding/grants/{paid.pk}/notice/ (PDF: …/notice.pdf)")

    def _held(self, pk: int) -> Donation:
        gift = Donation.objects.select_related("donor").filter(pk=pk).first()
        if gift is None:
            raise CommandError(UNKNOWN_GIFT.format(id=pk))
        return gift

    def _check(self, *, gift, category, evidence, by, **_):
        held = self._held(gift)
        if held.donor is None:
            raise CommandError(ANONYMOUS_CANNOT_BE_CHECKED)
        services.donor_declare(donor=held.donor, category=category, evidence=evidence, checked_by=by)
        if category == PermissibilityCategory.IMPERMISSIBLE:
            self.stdout.write(self.style.WARNING(f"Gift #{held.pk} must be returned: see `swingfund funding tasks`."))
            return
        released = services.donation_release(donation=held, by=by)
        self.stdout.write(f"Gift #{released.pk} released to {released.campaign.slug}; ledger #{released.release_id}.")

    def _grant(self, pk: int) -> Grant:
        row = Grant.objects.filter(pk=pk).first()
        if row is None:
            raise CommandError(UNKNOWN_GRANT.format(id=pk))
        return row

    def _offer(self, *, grant, agent, email, phone, address, **_):
        offered = services.grant_offer(grant=self._grant(grant), agent_name=agent, agent_email=email,
                                       agent_phone=phone, agent_address=address)
        self.stdout.write(f"Grant #{offered.pk} offered to {offered.agent_name}; the donation notice is addressed to "
                          f"them: /funding/grants/{offered.pk}/notice/")

    def _answer(self, *, grant, answer, on, note, **_):
        act = {"accepted": services.grant_accept, "declined": services.grant_decline,
               "returned": services.grant_return}[answer]
        row = act(grant=self._grant(grant), on=on, note=note)
        back = f"; back in the fund by reversal #{row.reversal_id}" if row.reversal_id else ""
        self.stdout.write(f"Grant #{row.pk} {row.agent_response} on {on}{back}.")

    def _unreturnable(self, *, gift, **_):
        task = services.donation_unreturnable(donation=self._held(gift))
        self.stdout.write(f"Task #{task.pk}: {task.description} ({task.citation})")

    def _contribute(self, *, campaign, kind, recipient, amount, on, **_):
        row = services.political_contribution_record(campaign=self._campaign(campaign), recipient_kind=kind,
                                                     recipient_name=recipient, amount_pence=rules.parse_pounds(amount),
                                                     made_on=on)
        self.stdout.write(f"Political contribution #{row.pk}: {row}; ledger #{row.transaction_id}.")

    def _return(self, *, gift, reference, by, manner=None, **_):
        refund = services.donation_return(donation=self._held(gift), reference=reference, by=by, manner=manner)
        self.stdout.write(f"Gift #{gift} returned ({money(refund.amount_pence, short=True)}, {reference}); "
                          f"ledger #{refund.transaction_id}.")

    def _spend(self, *, campaign, candidacy, kind, description, amount, spent, supplier, invoice, **_):
        from swingfund.elections.models import Candidacy

        made = services.candidate_spend_record(
            campaign=self._campaign(campaign), candidacy=Candidacy.objects.get(pk=candidacy), kind=kind,
            description=description, amount_pence=rules.parse_pounds(amount), spent_at=_received(spent),
            supplier=supplier, invoice_reference=invoice)
        self.stdout.write(f"Recorded {money(made.amount_pence, short=True)} {kind} about {made.candidacy}; "
                          f"ledger #{made.transaction_id}.")

    def _tasks(self, **_):
        tasks = list(selectors.open_tasks())
        if not tasks:
            self.stdout.write("No open compliance tasks.")
        for task in tasks:
            due = f"due {task.due_on}" if task.due_on else "no deadline"
            self.stdout.write(f"[{task.kind}] {due}: {task.description}")
