from django.http import HttpRequest

from swingfund.organisations.selectors import organisation_defaults

SET_UP_YOUR_GROUP = ("This site has no group set up yet: run `swingfund setup` (or open the settings page) to give "
                     "the group's name and postal address, which every page's imprint needs.")
ADDRESS_MISSING = ("{name} has not given its postal address yet: the imprint needs it. An administrator adds it on "
                   "the settings page or with `swingfund setup`.")


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
    return {"org_name": defaults.name, "org_address": defaults.address_line,
            "org_email": defaults.sender_email, "org_privacy": defaults.privacy_contact,
            "org_imprint": defaults.imprint, "org_setup": setup}
