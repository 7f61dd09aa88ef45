"""The exact consent wordings shown on the sign-up page, each with its version (stored with every consent).

The words name the group the person signs up to: the organisation's own name (its legal name when it gave one),
never a name from settings, so that on a site serving several groups each sign-up names its own group.
"""

from __future__ import annotations

from swingfund.organisations.models import Organisation

VERSION = "2026-12-1"  # 2026-12-1: the special-category consent names its purposes
NO_GROUP = "this group"


def speaker(*, organisation: Organisation | None) -> str:
    """Who asks for consent: the group's legal name, else its name."""
    if organisation is None:
        return NO_GROUP
    return (organisation.legal_name or organisation.name or NO_GROUP).strip()


def wording_for(*, purpose: str, name: str) -> str:
    texts = {
        "email": f"I agree that {name} may email me about its election campaigns. I can unsubscribe at any time.",
        "whatsapp": (
            f"I agree that {name} may send me WhatsApp messages about its election campaigns. "
            "I can reply STOP at any time."
        ),
        "special": (
            f"I give my explicit consent for {name} to hold my name, contact details and postcode in order to tell "
            "me where my vote can count and to send me the campaign messages I ticked, knowing that joining it may "
            "reveal my political opinions or religious beliefs (special-category data, UK GDPR Article 9(2)(a)). "
            "I can withdraw it at any time, and my data will then be erased."
        ),
    }
    return texts[purpose]


def wording(*, purpose: str, organisation: Organisation | None) -> str:
    """The words for `purpose` (email, whatsapp, special) as `organisation` shows them."""
    return wording_for(purpose=purpose, name=speaker(organisation=organisation))

