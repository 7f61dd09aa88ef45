"""`/funding/dashboard/grants/` (POST): the treasurer turns the committee's approved grant decisions into payable
grants, as `swingfund funding grants` does. Each decision is tried on its own; a refusal (not enough spendable
money, a candidate not standing) is shown and the others go on. Safe to repeat: one grant per decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from swingfund.accounts.access import refusal, refusal_any
from swingfund.accounts.roles import TREASURER, organisations_for
from swingfund.committee.selectors import decided_grants
from swingfund.compliance.checks import ComplianceRefusal
from swingfund.display import money
from swingfund.funding import services
from swingfund.funding.models import Grant

MADE = "Grant #{id}: {amount} to {candidacy} ({status})."
REFUSED = "Decision #{id} gives no grant yet: {reason}"
NONE = "No approved grant decisions are waiting for a grant."


@require_POST
def grants_from_decisions(request: HttpRequest) -> HttpResponse:
    if refused := refusal_any(request, role=TREASURER):
        return refused
    made = refused_count = 0
    for organisation in organisations_for(user=request.user, role=TREASURER):
        if refusal(request, organisation=organisation, role=TREASURER) is not None:
            continue
        granted = set(Grant.objects.filter(decision_id__isnull=False, campaign__organisation=organisation)
                      .values_list("decision_id", flat=True))
        for decision in decided_grants(organisation=organisation).exclude(pk__in=granted):
            try:
                grant = services.grant_create_from_decision(decision=decision)
            except (ValueError, ComplianceRefusal) as error:
                messages.error(request, REFUSED.format(id=decision.pk, reason=error))
                refused_count += 1
                continue
            made += 1
            messages.success(request, MADE.format(id=grant.pk, amount=money(grant.amount_pence, short=True),
                                                  candidacy=grant.candidacy, status=grant.status))
    if not made and not refused_count:
        messages.info(request, NONE)
    return redirect("funding:dashboard")
