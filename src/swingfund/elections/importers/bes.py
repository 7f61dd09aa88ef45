"""The British Election Study 2019 general election results file (v1.1): its 2011 Census columns (`c11*`),
the demographics of the 2010-review seats used for the 2017 and 2019 elections.

Stored as `census="census2011"` statistics in **percent** (0–100 of all usual residents), plus the seat's
population as a count (`population`/`all`, from `c11Population`) so consumers can convert to people, and
`age`/`adult_share` (percent of residents aged 18 or over, the sum of the 18+ age bands). Blank cells
(Scotland lacks some tables) are skipped. Needs the 2017 or 2019 constituency results (the seats) first.
The results columns of this file are not imported: the House of Commons Library files are the source of results.
"""

from __future__ import annotations

from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import Importer, ProgressHook, Schema
from swingfund.elections.importers.census import seat_stat, stats_replace
from swingfund.elections.models import BoundarySet, Constituency, DataSource, DemographicStat

RELIGION_2011 = {
    "c11Christian": "christian",
    "c11Buddhist": "buddhist",
    "c11Hindu": "hindu",
    "c11Jewish": "jewish",
    "c11Muslim": "muslim",
    "c11Sikh": "sikh",
    "c11ReligionOther": "other",
    "c11NoReligion": "no_religion",
    "c11ReligionNotStated": "not_answered",
}
ETHNICITY_2011 = {
    "c11EthnicityWhite": "white",
    "c11EthnicityMixed": "mixed",
    "c11EthnicityAsian": "asian",
    "c11EthnicityBlack": "black",
    "c11EthnicityOther": "other",
}
ADULT_AGE_BANDS = (
    "c11Age18to19", "c11Age20to24", "c11Age25to29", "c11Age30to44", "c11Age45to59",
    "c11Age60to64", "c11Age65to74", "c11Age75to84", "c11Age85to89", "c11Age90plus",
)  # fmt: skip
REQUIRED = frozenset(
    {"ONSConstID", "ConstituencyName", "c11Population", "Winner19", "Electorate19"}
    | set(RELIGION_2011) | set(ETHNICITY_2011) | set(ADULT_AGE_BANDS)
)  # fmt: skip
PERCENT_SUM_TOLERANCE = 0.5  # a topic's categories must add up to 100 ± this (the file's own rounding)
PERCENT_SUM_WRONG = "{topic} shares add up to {total:.2f}%, not 100%"


class Bes2019Census2011(Importer):
    key = "bes-2019-results-census2011"
    title = "British Election Study 2019 results file v1.1 (2011 Census by 2010-review constituency)"
    publisher = "British Election Study; Census 2011 by ONS and NRS"
    licence = "Free download, cite the BES; census parts Open Government Licence v3.0"
    url = "https://www.britishelectionstudy.com/data-objects/linked-data/"
    order = 45
    schemas: ClassVar[tuple[Schema, ...]] = (Schema("v1.1", REQUIRED),)

    def count_rows(self) -> int | None:
        return max(self.table.text.count("\n") - 1, 0)

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        seats = {c.gss_code: c for c in Constituency.objects.filter(boundary_set=BoundarySet.PCON2010)}
        stats: list[DemographicStat] = []
        seen: dict[str, int] = {}

        def stat(seat: Constituency, topic: str, category: str, label: str, value: float, unit: str) -> None:
            fields = {"topic": topic, "category": category, "label": label, "value": value, "unit": unit}
            stats.append(seat_stat(seat=seat, census="census2011", source=source, **fields))

        for row in self.table.rows():
            self.summary.rows += 1
            tick(1)
            code = row.gss("ONSConstID")
            if code not in seats:
                raise row.fail("ONSConstID", errors.UNKNOWN_SEAT.format(code=code, boundary_set=BoundarySet.PCON2010))
            if code in seen:
                raise row.fail("ONSConstID", errors.DUPLICATE_ROW.format(what="seat", line=seen[code]))
            seen[code] = row.line
            seat = seats[code]
            stat(seat, "population", "all", "All usual residents (c11Population)", row.int("c11Population"), "count")
            for topic, columns in (("religion", RELIGION_2011), ("ethnicity", ETHNICITY_2011)):
                values = {column: row.float(column) for column in columns}
                present = {c: v for c, v in values.items() if v is not None}
                if present and abs(sum(present.values()) - 100) > PERCENT_SUM_TOLERANCE:
                    raise row.fail(
                        next(iter(present)), PERCENT_SUM_WRONG.format(topic=topic, total=sum(present.values()))
                    )
                for column, value in present.items():
                    stat(seat, topic, columns[column], column, value, "percent")
            bands = [row.float(band) for band in ADULT_AGE_BANDS]
            if all(b is not None for b in bands):
                stat(
                    seat,
                    "age",
                    "adult_share",
                    "Aged 18 or over (sum of c11Age18to19 … c11Age90plus)",
                    sum(bands),
                    "percent",
                )
            else:
                self.summary.warnings.append(f"{code}: age bands incomplete, no adult_share")
            self.summary.seats.add(code)
        if not seen:
            raise self.table.fail(2, "ONSConstID", errors.EMPTY_FILE)
        self.summary.written = stats_replace(source=source, stats=stats)
