"""Pure rules of the money side: sanity bounds, matching donors, parsing amounts, the window for spotting a split
gift. The law of a gift (its situation, the donor's permissibility, holding, returning, reporting) is not here: it
is `swingfund.compliance.gifts.gift_assess`, with the figures and their citations."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Heuristic of swingfund (not a legal figure): gifts from one donor, address or card within this many days
# are looked at together when spotting a gift split to stay under a threshold.
SPLIT_WINDOW_DAYS = 30

# Sanity bounds of swingfund (not legal figures): no one movement of money is over £10 million, no gift is received
# before 2000 or later than now (allowing another machine's clock — Stripe's — to run up to an hour fast).
MAX_AMOUNT_PENCE = 1_000_000_000
EARLIEST_GIFT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CLOCK_SLACK = dt.timedelta(hours=1)

def campaign_status(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> str:
    """"open" while a campaign takes gifts (from its start, up to but not including its end), "closed" after,
    "upcoming" before."""
    if now < starts_at:
        return "upcoming"
    return "open" if now < ends_at else "closed"


def normalise_postcode(value: str) -> str:
    """Upper case, single space before the inward code: ' sw1a2aa ' → 'SW1A 2AA'."""
    compact = re.sub(r"\s+", "", value or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def public_name(*, name: str, consent: bool, amount_pence: int, threshold_pence: int,
                checked: bool = True) -> str | None:
    """A donor's name may be shown publicly only when the donor has been checked and found permissible (`checked`),
    gave consent with this gift, and the gift is over the public threshold."""
    return name if checked and consent and amount_pence > threshold_pence else None


def _fold(value: str) -> str:
    """Case-folded, accents and punctuation dropped, spaces collapsed: "Ann  O'Neill-Smith" → 'ann oneill smith'."""
    text = unicodedata.normalize("NFKD", value or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`.]", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


ADDRESS_WORDS = {"street": "st", "road": "rd", "avenue": "ave", "av": "ave", "lane": "ln", "drive": "dr",
                 "close": "cl", "court": "ct", "place": "pl", "flat": "flat", "apartment": "flat", "apt": "flat"}
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})


def normalise_name(name: str) -> str:
    """A person's or body's name for matching: folded, without a leading title ('Mrs Ann Smith' → 'ann smith')."""
    words = _fold(name).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def normalise_address(address: str) -> str:
    """An address for matching: folded, common street words abbreviated ('14 Acacia Avenue,' → '14 acacia ave')."""
    return " ".join(ADDRESS_WORDS.get(word, word) for word in _fold(address).split())


def donor_identity(*, name: str, email: str, address: str, postcode: str) -> str | None:
    """The key on which a gift joins an existing donor: name and the full address, postcode included, normalised.
    A giver who gives no address and no postcode at all (a card payment names only a name and an email) is keyed on
    the name and the email together, and only until the donor is checked (`donor_declare` drops such a key: a
    checked donor is joined on the full address alone). An address without a postcode, or a postcode without an
    address, gives no key: a new donor. Never the email alone."""
    who = normalise_name(name)
    if not who:
        return None
    if address.strip() and postcode.strip():
        return f"a:{who}|{normalise_address(address)}|{normalise_postcode(postcode)}"
    if email.strip() and not address.strip() and not postcode.strip():
        return f"e:{who}|{email.strip().lower()}"
    return None


def percent_of(amount_pence: int, goal_pence: int) -> int:
    """Whole percent of the goal reached, capped at 100 for drawing a bar."""
    if goal_pence <= 0:
        return 0
    return max(0, min(100, amount_pence * 100 // goal_pence))


AMOUNT_FORMAT = ("Amount {value!r} is not a sum of money in pounds and pence from £0.01 to £10,000,000 "
                 "(e.g. 25 or 25.50).")


def parse_pounds(value: str) -> int:
    """'£1,025.50' → 102550 pence, exactly (no floats). Refuses fractions of a penny and non-positive sums."""
    text = (value or "").strip().replace("£", "").replace(",", "")
    match = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", text)
    if not match:
        raise ValueError(AMOUNT_FORMAT.format(value=value))
    pence = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0")) if len(match.group(1)) < 15 else -1
    if not 0 < pence <= MAX_AMOUNT_PENCE:
        raise ValueError(AMOUNT_FORMAT.format(value=value))
    return pence
