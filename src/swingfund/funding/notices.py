"""The donation notice for a candidate's election agent: what the agent needs for the candidate's return.

For a grant from pooled funds the donor is the group itself, and the notice also names the true source of each
gift over the candidate donation threshold that the grant passes on (the ledger's allocations); in earmarked mode
each true donor whose gift the grant passes on is listed with name, address, amount, date received and
permissibility (gifts over the candidate donation threshold must be checked and reported by the agent). Built as
data (`notice_for_grant`), rendered as a printable HTML page by the view and as a PDF here (fpdf2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Sum
from fpdf import FPDF

from swingfund.compliance.limits import Figure
from swingfund.compliance.selectors import figure, legal_status_for
from swingfund.display import money
from swingfund.funding import selectors
from swingfund.funding.models import GivingMode, Grant
from swingfund.organisations.selectors import organisation_defaults

NOTICE_ADDRESS_MISSING = ("The donation notice needs the postal address of {name} (the agent records the donor's "
                          "address): add it on the group's settings page or with `swingfund setup`, then open the "
                          "notice again.")
NOTICE_NO_ORGANISATION = "Grant #{pk}'s campaign belongs to no group: a donation notice names the group that gave."


class NoticeRefused(ValueError):
    """The notice cannot be issued yet; the message says what to set first."""

UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


@dataclass
class DonationNotice:
    grant: Grant
    organisation_name: str
    organisation_address: str
    candidate: str
    seat: str
    election: str
    threshold: Figure
    donors: list[dict] = field(default_factory=list)
    earmarked: bool = False
    sources: list[dict] = field(default_factory=list)
    agent_name: str = ""
    agent_contact: str = ""

    @property
    def total_pence(self) -> int:
        return sum(d["amount_pence"] for d in self.donors)


# How the notice describes the group as a donor, by its recorded legal form (the permissible-donor categories of
# PPERA 2000 s.54(2), which RPA 1983 Sch 2A applies to candidates).
AS_DONOR = {
    "unincorporated_association": "Unincorporated association based and carrying on business or other activities "
                                  "in the UK",
    "company": "Company registered in the UK, incorporated in the UK and carrying on business in the UK",
    "llp": "Limited liability partnership registered in the UK and carrying on business in the UK",
    "friendly_society": "Friendly, industrial or provident society registered in the UK",
    "trade_union": "Trade union listed under the Trade Union and Labour Relations (Consolidation) Act 1992",
    "individual": "Individual registered on a UK electoral register",
    "charity": "Registered charity (a charity may not make political donations)",
}
FORM_NOT_RECORDED = "Legal form not recorded: the agent must establish it before accepting (admin → Group legal status)"


def group_as_donor(status) -> tuple[str, str]:
    """(permissibility line, evidence) for the group as the donor of a pooled grant, from its recorded status."""
    if status is None:
        return FORM_NOT_RECORDED, "the group's own funds (pooled gifts)"
    numbers = {"company": f"company no. {status.company_number}", "charity": f"charity no. {status.charity_number}"}
    evidence = "; ".join(part for part in (numbers.get(status.legal_form, ""),
                                            "the group's own funds (pooled gifts)") if part)
    based = "" if status.uk_based else " — recorded as NOT based in the UK: not a permissible donor"
    return AS_DONOR[status.legal_form] + based, evidence


def notice_for_grant(grant: Grant) -> DonationNotice:
    """The notice for one grant, in the name and address of the group whose campaign paid it (its organisation row).
    Refuses (NoticeRefused) while that group has no postal address."""
    candidacy = grant.candidacy
    campaign = grant.campaign
    if not campaign.organisation_id:
        raise NoticeRefused(NOTICE_NO_ORGANISATION.format(pk=grant.pk))
    group = organisation_defaults(organisation=campaign.organisation)
    org_name = group.legal_name or group.name
    if not group.address_line:
        raise NoticeRefused(NOTICE_ADDRESS_MISSING.format(name=org_name))
    on = candidacy.election.poll_date if candidacy.election_id else (grant.paid_at or grant.created_at).date()
    threshold = figure("candidate_donation_threshold", on=on)
    earmarked = campaign.mode == GivingMode.EARMARKED
    if earmarked:
        donors = selectors.grants_for_notice(grant)
    else:
        pooled = Grant.objects.filter(candidacy=candidacy, campaign__mode=GivingMode.POOLED,
                                      campaign__organisation=campaign.organisation)
        permissibility, evidence = group_as_donor(legal_status_for(campaign.organisation))
        donors = [{"name": org_name, "address": group.address_line, "postcode": "",
                   "amount_pence": grant.amount_pence,
                   "total_to_candidate_pence": pooled.aggregate(t=Sum("amount_pence"))["t"] or grant.amount_pence,
                   "received_on": (grant.paid_at or grant.created_at).date(),
                   "permissibility": permissibility, "evidence": evidence, "checked_at": None}]
    sources = [] if earmarked else selectors.pooled_grant_sources(grant, threshold_pence=threshold.value)
    for donor in donors:  # the test is on each donor's total to this candidate, not on one line of one grant
        donor["over_threshold"] = donor["total_to_candidate_pence"] > threshold.value
    return DonationNotice(
        grant=grant, organisation_name=org_name, organisation_address=group.address_line,
        candidate=candidacy.person_name or str(candidacy.person or ""), seat=str(candidacy.constituency),
        election=candidacy.election_id, threshold=threshold, donors=donors, earmarked=earmarked, sources=sources,
        agent_name=grant.agent_name, agent_contact=" · ".join(
            part for part in (grant.agent_email, grant.agent_phone, " ".join(grant.agent_address.split())) if part),
    )


def _date(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%d %B %Y") if value else "—"


def notice_pdf(notice: DonationNotice) -> bytes:
    """The notice as an A4 PDF (fpdf2), in a Unicode font when one is installed so names print as written."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    font_path = next((p for p in UNICODE_FONTS if p.exists()), None)
    family = "Helvetica"
    if font_path is not None:
        pdf.add_font("Notice", "", str(font_path))
        family = "Notice"

    def text(value: str) -> str:
        return value if font_path is not None else value.encode("latin-1", "replace").decode("latin-1")

    def line(value: str, size: int = 10, height: float = 6) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    grant = notice.grant
    line("Donation notice for the candidate's election agent", 15, 9)
    line(f"To {notice.agent_name}, election agent ({notice.agent_contact})" if notice.agent_name
         else "To the candidate's election agent (not yet named: offer the grant to the agent first)")
    line(f"From {notice.organisation_name}, {notice.organisation_address}")
    line(f"Candidate: {notice.candidate} — {notice.seat}, election {notice.election}")
    line(f"Grant #{grant.pk}: {money(grant.amount_pence, short=True)}; paid {_date(grant.paid_at)}"
         f"{'; bank reference ' + grant.bank_reference if grant.bank_reference else ' (not yet paid)'}")
    mode = ("Earmarked gifts passed on as agent for the true donors listed below."
            if notice.earmarked else "A gift from the group's own funds: the group is the donor.")
    line(mode)
    line(f"Gifts over {notice.threshold.display} must be checked for permissibility and recorded in the "
         f"candidate's return (source: {notice.threshold.source}).", 8, 5)
    pdf.ln(3)
    for donor in notice.donors:
        flag = " — over the threshold: check and report" if donor["over_threshold"] else ""
        total = donor["total_to_candidate_pence"]
        in_all = f" ({money(total, short=True)} to this candidate in all)" if total != donor["amount_pence"] else ""
        line(f"{donor['name']}: {money(donor['amount_pence'], short=True)}{in_all}, received "
             f"{_date(donor['received_on'])}{flag}", 11, 7)
        address = ", ".join(part for part in (donor["address"], donor["postcode"]) if part) or "address not given"
        line(f"    Address: {address}")
        checked = f", checked {_date(donor['checked_at'])}" if donor.get("checked_at") else ""
        evidence = f" ({donor['evidence']})" if donor.get("evidence") else ""
        line(f"    Permissibility: {donor['permissibility']}{evidence}{checked}")
    if notice.sources:
        pdf.ln(3)
        line("True sources of the gifts over the threshold this grant passes on:", 11, 7)
        for source in notice.sources:
            line(f"{source['name']}, {source['address']}: {money(source['amount_pence'], short=True)}, received "
                 f"{_date(source['received_on'])}; {source['permissibility']}")
    pdf.ln(3)
    line(f"Total: {money(notice.total_pence, short=True)}", 11, 7)
    return bytes(pdf.output())
