"""`/funding/dashboard/campaign/`: the treasurer or an organiser of a group opens a campaign (what it raises money
for, how gifts are used, its goal and dates). Parses the form and calls `services.campaign_create`; the service's
refusals show beside the form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from swingfund.accounts.access import refusal
from swingfund.accounts.roles import ORGANISER, TREASURER, organisations_for, user_has_role
from swingfund.elections.models import Election
from swingfund.funding import services
from swingfund.funding.models import Campaign, GivingMode
from swingfund.funding.services import closing
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults

OPENED = "Campaign “{title}” is open: {url}"
CLOSED = "Campaign “{title}” is closed: it takes no more gifts."
GOAL_BAD = "The goal must be a whole number of pounds above zero."


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    slug = forms.SlugField(max_length=80, required=False, label="Short name for its link (default: from the title)")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What you tell donors")
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                              label="Who the money is for and what it is for")
    mode = forms.ChoiceField(choices=GivingMode.choices, widget=forms.RadioSelect, initial=GivingMode.POOLED,
                             label="How gifts are used")
    goal_pounds = forms.IntegerField(min_value=1, label="Goal (£)", error_messages={"min_value": GOAL_BAD})
    starts_on = forms.DateField(label="Opens on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label="Closes on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    election = forms.ChoiceField(required=False, label="Election (if it raises for one)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        elections = Election.objects.filter(notional=False).order_by("-poll_date", "id")
        self.fields["election"].choices = [("", "None")] + [(e.id, f"{e.id} — {e.name}") for e in elections]


def _organisation(request: HttpRequest) -> Organisation | None:
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    if slug:
        return Organisation.objects.filter(slug=slug).first()
    for role in (TREASURER, ORGANISER):
        organisation = organisations_for(user=request.user, role=role).order_by("id").first()
        if organisation is not None:
            return organisation
    return None


def _role(request: HttpRequest, organisation: Organisation | None) -> str:
    return ORGANISER if (organisation is not None and not user_has_role(
        user=request.user, organisation=organisation, role=TREASURER) and user_has_role(
        user=request.user, organisation=organisation, role=ORGANISER)) else TREASURER


@require_POST
def campaign_close(request: HttpRequest, slug: str) -> HttpResponse:
    """Close one of the group's open campaigns now (its treasurer or organiser, as for opening one)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    if not request.user.is_authenticated:
        return refusal(request, organisation=None, role=TREASURER)
    organisation = campaign.organisation
    if refused := refusal(request, organisation=organisation, role=_role(request, organisation)):
        return refused
    try:
        closing.campaign_close(campaign=campaign)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, CLOSED.format(title=campaign.title))
    return redirect(f"{reverse('funding:campaign-new')}?organisation={organisation.slug if organisation else ''}")


def campaign_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return refusal(request, organisation=None, role=TREASURER)
    organisation = _organisation(request)
    if refused := refusal(request, organisation=organisation, role=_role(request, organisation)):
        return refused
    today = timezone.localdate()
    defaults = organisation_defaults(organisation=organisation)
    form = CampaignForm(request.POST or None, initial={
        "starts_on": today, "ends_on": today + dt.timedelta(days=60), "election": defaults.election_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slug = data["slug"] or slugify(data["title"])[:80]
        start = timezone.make_aware(dt.datetime.combine(data["starts_on"], dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(data["ends_on"], dt.time.max.replace(microsecond=0)))
        try:
            campaign = services.campaign_create(
                organisation=organisation, slug=slug, title=data["title"], description=data["description"],
                purpose=data["purpose"], mode=data["mode"], goal_pence=data["goal_pounds"] * 100, starts_at=start,
                ends_at=end, election=Election.objects.filter(pk=data["election"]).first() if data["election"]
                else None)
        except ValueError as error:
            message = str(error)
            field = ("slug" if "slug" in message else "ends_on" if "end" in message.lower()
                     else "mode" if "mode" in message.lower() else None)
            form.add_error(field, message)
        else:
            url = f"/funding/campaigns/{campaign.slug}/"
            messages.success(request, OPENED.format(title=campaign.title, url=url))
            return redirect(url)
    campaigns = Campaign.objects.filter(organisation=organisation).order_by("-starts_at")
    now = timezone.now()
    return render(request, "funding/campaign_new.html",
                  {"form": form, "organisation": organisation, "campaigns": campaigns,
                   "open_campaigns": [c for c in campaigns if c.starts_at <= now < c.ends_at]},
                  status=400 if form.is_bound and form.errors else 200)
