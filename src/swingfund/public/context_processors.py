from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, str]:
    """The promoter's name and address, printed as the imprint on every page, and where corrections go."""
    return {"org_name": settings.SWINGFUND_ORG_NAME, "org_address": settings.SWINGFUND_ORG_ADDRESS,
            "org_email": settings.DEFAULT_FROM_EMAIL}
