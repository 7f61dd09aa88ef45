"""`/scorecards/statements/`: the group's statements written and revised on one page, and the evidence files.

A new statement is created with its wording in one step (`services.statement_create`); revising a published
statement adds a version (`services.statement_edit`), so the scores and evidence of earlier wordings stay as they
were. The page also offers the pledge-survey CSV template and a sample file that `swingfund evidence import
pledges` reads. Open to the group's administrator and organisers.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from swingfund.accounts.access import refusal
from swingfund.accounts.group import administered_organisation
from swingfund.accounts.roles import ADMINISTRATOR, ORGANISER, organisations_for, user_has_role

from . import services
from .importers.pledges import PLEDGE_SAMPLE, PLEDGE_TEMPLATE
from .models import Statement

CREATED = "Statement “{title}” is published."
REVISED = "“{title}” now reads as version {number}; earlier versions keep their evidence and scores."
UNCHANGED = "Nothing changed in “{title}”: no new version."


class StatementForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="The statement")
    agreement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                                label="What counts as agreeing with it")


def _organisation_for(request: HttpRequest):
    """The group whose statements this page shows: the one named, or one the person administers or organises."""
    organisation = administered_organisation(request)
    if organisation is not None and (request.GET.get("organisation") or request.POST.get("organisation")):
        return organisation
    if organisation is not None and (user_has_role(user=request.user, organisation=organisation, role=ORGANISER)
                                     or user_has_role(user=request.user, organisation=organisation,
                                                      role=ADMINISTRATOR)):
        return organisation
    return organisations_for(user=request.user, role=ORGANISER).order_by("id").first() or organisation


def _refusal(request: HttpRequest, organisation) -> HttpResponse | None:
    """Organisers and the administrator of the group may write its statements."""
    if organisation is not None and user_has_role(user=request.user, organisation=organisation, role=ORGANISER):
        return refusal(request, organisation=organisation, role=ORGANISER)
    return refusal(request, organisation=organisation, role=ADMINISTRATOR)


def _unique_slug(organisation, title: str) -> str:
    base = slugify(title)[:70] or "statement"
    taken = set(Statement.objects.filter(organisation=organisation).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def statements_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return refusal(request, organisation=None, role=ORGANISER)
    organisation = _organisation_for(request)
    if refused := _refusal(request, organisation):
        return refused
    statements = list(Statement.objects.filter(organisation=organisation).prefetch_related("versions")
                      .order_by("position", "id"))
    new = StatementForm(prefix="new")
    revising: dict[int, StatementForm] = {}
    status = 200
    if request.method == "POST":
        status = 400
        target = request.POST.get("statement", "")
        if target == "new":
            new = StatementForm(request.POST, prefix="new")
            if new.is_valid():
                data = new.cleaned_data
                position = (Statement.objects.filter(organisation=organisation).aggregate(m=Max("position"))["m"]
                            or 0) + 1
                try:
                    services.statement_create(organisation=organisation, slug=_unique_slug(organisation,
                                                                                           data["title"]),
                                              title=data["title"], text=data["text"], agreement=data["agreement"],
                                              position=position)
                except ValidationError as error:
                    new.add_error(None, " ".join(error.messages))
                else:
                    messages.success(request, CREATED.format(title=data["title"]))
                    return redirect(f"{request.path}?organisation={organisation.slug}")
        else:
            statement = next((s for s in statements if str(s.pk) == target), None)
            if statement is not None:
                form = StatementForm(request.POST, prefix=f"s{statement.pk}")
                revising[statement.pk] = form
                if form.is_valid():
                    data = form.cleaned_data
                    latest = max(statement.versions.all(), key=lambda v: v.number, default=None)
                    if latest is not None and (latest.title, latest.text, latest.agreement) == (
                            data["title"], data["text"], data["agreement"]) and latest.published_at:
                        messages.info(request, UNCHANGED.format(title=data["title"]))
                        return redirect(f"{request.path}?organisation={organisation.slug}")
                    try:
                        version = services.statement_edit(statement=statement, title=data["title"],
                                                          text=data["text"], agreement=data["agreement"])
                    except ValidationError as error:
                        form.add_error(None, " ".join(error.messages))
                    else:
                        messages.success(request, REVISED.format(title=version.title, number=version.number))
                        return redirect(f"{request.path}?organisation={organisation.slug}")
    rows = []
    for statement in statements:
        versions = sorted(statement.versions.all(), key=lambda v: v.number)
        latest = versions[-1] if versions else None
        form = revising.get(statement.pk) or StatementForm(prefix=f"s{statement.pk}", initial={
            "title": latest.title, "text": latest.text, "agreement": latest.agreement} if latest else None)
        rows.append({"statement": statement, "latest": latest, "versions": versions, "form": form})
    return render(request, "scorecards/statements.html",
                  {"organisation": organisation, "rows": rows, "new": new}, status=status)


def pledges_template(request: HttpRequest) -> FileResponse:
    """The pledge-survey CSV's header row, ready to fill in (public: it holds nothing but column names)."""
    return FileResponse(PLEDGE_TEMPLATE.open("rb"), as_attachment=True, filename="pledges-template.csv",
                        content_type="text/csv")


def pledges_sample(request: HttpRequest) -> FileResponse:
    """A filled-in example of the pledge-survey CSV: every column used, both ways of naming a candidate."""
    return FileResponse(PLEDGE_SAMPLE.open("rb"), as_attachment=True, filename="pledges-sample.csv",
                        content_type="text/csv")
