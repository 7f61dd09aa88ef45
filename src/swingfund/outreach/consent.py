"""The exact consent wordings shown on the sign-up page, each with its version (stored with every consent)."""

from __future__ import annotations

from django.conf import settings

VERSION = "2026-11-1"


def wording(*, purpose: str) -> str:
    org = settings.SWINGFUND_ORG_NAME
    texts = {
        "email": f"I agree that {org} may email me about its election campaigns. I can unsubscribe at any time.",
        "whatsapp": (
            f"I agree that {org} may send me WhatsApp messages about its election campaigns. "
            "I can reply STOP at any time."
        ),
        "special": (
            f"I give my explicit consent for {org} to hold my details, knowing that my signing up may reveal my "
            "political opinions or religious beliefs (special-category data, UK GDPR Article 9(2)(a)). "
            "I can withdraw it at any time, and my data will then be erased."
        ),
    }
    return texts[purpose]
