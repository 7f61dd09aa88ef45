"""Share kits: per seat and language a ready message with a `wa.me` link and a QR code (segno), and each
supporter's personal link, which counts the sign-ups it brings (a count only: nobody sees who)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db.models import Count

from swingfund.outreach.compose import imprint
from swingfund.outreach.languages import direction
from swingfund.outreach.models import Supporter

SHARE_TEXT = {
    "en": "In {seat} a few hundred votes can decide who wins{on}. Join us and hear where your vote counts: {link}",
    "cy": "Yn {seat} gall ychydig gannoedd o bleidleisiau benderfynu pwy sy'n ennill{on}. Ymunwch â ni: {link}",
    "ur": "{seat} میں چند سو ووٹ فیصلہ کر سکتے ہیں کہ کون جیتے گا{on}۔ ہمارے ساتھ شامل ہوں: {link}",
    "ar": "في {seat} يمكن لبضع مئات من الأصوات أن تحسم الفائز{on}. انضم إلينا: {link}",
    "bn": "{seat}-এ কয়েকশো ভোট ঠিক করতে পারে কে জিতবে{on}। আমাদের সাথে যোগ দিন: {link}",
    "pa": "{seat} ਵਿੱਚ ਕੁਝ ਸੌ ਵੋਟਾਂ ਫੈਸਲਾ ਕਰ ਸਕਦੀਆਂ ਹਨ ਕਿ ਕੌਣ ਜਿੱਤੇਗਾ{on}। ਸਾਡੇ ਨਾਲ ਜੁੜੋ: {link}",
    "so": "Gudaha {seat} dhowr boqol oo cod ayaa go'aamin kara cidda guuleysata{on}. Nagu soo biir: {link}",
}


@dataclass(frozen=True)
class ShareKit:
    seat: str
    language: str
    direction: str
    text: str
    link: str
    wa_me: str
    qr_svg: str


def join_link(*, referral_code: str = "") -> str:
    base = f"{settings.SWINGFUND_SITE_URL.rstrip('/')}/outreach/join/"
    return f"{base}?{urlencode({'ref': referral_code})}" if referral_code else base


def share_kit(*, seat_name: str, language: str, organisation, polling_day: str = "",
              referral_code: str = "") -> ShareKit:
    """A ready message for one seat, closing with `organisation`'s imprint (refused without its postal address)."""
    template = SHARE_TEXT.get(language, SHARE_TEXT["en"])
    link = join_link(referral_code=referral_code)
    on = f" on {polling_day}" if polling_day and language == "en" else ""
    text = f"{template.format(seat=seat_name, on=on, link=link)}\n\n{imprint(organisation=organisation)}"
    wa_me = f"https://wa.me/?text={quote(text)}"
    qr = segno.make(wa_me, error="m")
    return ShareKit(seat=seat_name, language=language, direction=direction(language), text=text, link=link,
                    wa_me=wa_me, qr_svg=qr.svg_inline(scale=2, title=f"QR code: share message for {seat_name}"))


def referral_counts(*, organisation) -> dict[int, int]:
    """supporter id → sign-ups their personal link brought."""
    return dict(
        Supporter.objects.filter(organisation=organisation, referred_by__isnull=False)
        .values("referred_by").annotate(n=Count("pk")).values_list("referred_by", "n")
    )  # fmt: skip
