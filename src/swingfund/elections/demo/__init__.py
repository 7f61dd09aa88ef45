"""The demo's assets for the elections layer. ILLUSTRATIVE: invented numbers, not real data.

`illustrative-polls.csv` is a poll file in the format `swingfund polls import` reads, with invented pollsters and
invented shares (every row says `illustrative=yes`). It exists so the demo can show a forward forecast; it says
nothing about what anyone intends to vote.
"""

from __future__ import annotations

from pathlib import Path

ILLUSTRATIVE_POLLS = Path(__file__).with_name("illustrative-polls.csv")
"""ILLUSTRATIVE poll file: invented polls (GB, Scotland, Wales) for the demo, never real polls."""
