from django.http import HttpRequest

from swingfund.organisations.selectors import organisation_defaults

SET_UP_YOUR_GROUP = ("This site has no group set up yet: run `swingfund setup` (or open the settings page) to give "
                     "the group's name and postal address, which every page's imprint needs.")
ADDRESS_MISSING = ("{name} has not given its postal address yet: the imprint needs it. An administrator adds it on "
                   "the settings page or with `swingfund setup`.")


def nav_for(request: HttpRequest) -> dict[str, bool]:
    """Which of the header's signed-in links this person can use: the committee's pages for committee members,
    the workspace for anyone with a role (treasurer, organiser, committee member). Nothing for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from swingfund.accounts.roles import ORGANISER, TREASURER, organisations_for
    from swingfund.committee import selectors as committee

    on_committee = committee.seats_for(user=user).exists()
    treasurer = organisations_for(user=user, role=TREASURER).exists()
    organiser = organisations_for(user=user, role=ORGANISER).exists()
    return {"committee": on_committee, "treasurer": treasurer, "organiser": organiser,
            "workspace": on_committee or treasurer or organiser}


def organisation(request: HttpRequest) -> dict[str, object]:
    """The group this host serves (request.organisation, set by OrganisationMiddleware): its name, the imprint on
    every page, and where corrections go. Before any group is set up, the pages say so instead of an imprint."""
    org = getattr(request, "organisation", None)
    defaults = organisation_defaults(organisation=org)
    if org is None:
        setup = SET_UP_YOUR_GROUP
    elif not defaults.imprint:
        setup = ADDRESS_MISSING.format(name=defaults.name)
    else:
        setup = ""
    return {"nav": nav_for(request), "org_name": defaults.name, "org_address": defaults.address_line,
            "org_email": defaults.sender_email, "org_privacy": defaults.privacy_contact,
            "org_imprint": defaults.imprint, "org_setup": setup}
