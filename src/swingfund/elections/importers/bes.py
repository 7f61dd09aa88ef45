"""The British Election Study 2019 general election results file (v1.1): its 2011 Census columns (`c11*`),
the demographics of the 2010-review seats used for the 2017 and 2019 elections.

Stored as `census="census2011"` statistics in **percent** (0–100 of all usual residents), plus the seat's
population as a count (`population`/`all`, from `c11Population`) so consumers can convert to people, and
`age`/`adult_share` (percent of residents aged 18 or over, the sum of the 18+ age bands). Blank cells
(Scotland lacks some tables) are skipped. Needs the 2017 or 2019 constituency results (the seats) first.
The 2017 and 2019 results columns are not imported (the House of Commons Library files are the source of those);
the **2015** results, which no other file here carries, are imported as the election `parl.2015-05-07` (GB only,
party rows without persons, like the notional results: one row per party, all other candidates as one combined
row), so that `swingfund` can measure how seats moved between 2015 and 2017 (`targeting.forecast`).
"""

from __future__ import annotations

from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import Importer, ProgressHook, Schema, assign, rows_update
from swingfund.elections.importers.census import seat_stat, stats_replace
from swingfund.elections.importers.elections import GE2015, election_ensure
from swingfund.elections.models import BoundarySet, Candidacy, Constituency, DataSource, DemographicStat, Party, Result

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
PARTIES_2015 = {
    "ConVote15": "Conservative", "LabVote15": "Labour", "LDVote15": "Liberal Democrat",
    "SNPVote15": "Scottish National Party", "PCVote15": "Plaid Cymru", "UKIPVote15": "UK Independence Party",
    "GreenVote15": "Green", "BNPVote15": "British National Party",
}
OTHER_2015 = "Other candidates (combined)"
RESULT_FIELDS = ("electorate", "valid_votes", "invalid_votes", "majority", "winner", "runner_up", "winner_party",
                 "runner_up_party", "result_text", "source")
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

        read = []
        for row in self.table.rows():
            read.append(row)
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
        if all(column in self.table.header for column in (*PARTIES_2015, "TotalVote15", "Electorate15")):
            self.summary.written += self._results_2015(source=source, seats=seats, read=read)

    def _results_2015(self, *, source: DataSource, seats: dict[str, Constituency], read: list) -> int:
        """The 2015 results as party rows, updated in place on a repeat import (rows match by seat and party)."""
        election = election_ensure(GE2015, source=source)
        self.summary.elections.add(election.id)
        parties = {column: Party.objects.get_or_create(name=name)[0] for column, name in PARTIES_2015.items()}
        existing = {(c.constituency_id, c.party_id): c for c in Candidacy.objects.filter(election=election)}
        results = {r.constituency_id: r for r in Result.objects.filter(election=election)}
        new, changed, placed = [], [], []
        for row in read:
            seat = seats[row.gss("ONSConstID")]
            total = row.int("TotalVote15")
            votes = {parties[c]: row.int(c, blank=0) for c in PARTIES_2015}
            other = total - sum(votes.values())
            if other < 0:
                raise row.fail("TotalVote15", errors.SEAT_TOTAL_MISMATCH.format(
                    code=seat.gss_code, got=sum(votes.values()), expected=total))
            counts = [(party, v) for party, v in votes.items() if v > 0] + ([(None, other)] if other > 0 else [])
            counts.sort(key=lambda pv: -pv[1])
            rows = []
            for i, (party, v) in enumerate(counts):
                fields = {"votes": v, "elected": i == 0, "source": source,
                          "person_name": "" if party else OTHER_2015}
                candidacy = existing.pop((seat.pk, party.pk if party else None), None)
                if candidacy is None:
                    candidacy = Candidacy(election=election, constituency=seat, party=party, **fields)
                    new.append(candidacy)
                elif assign(candidacy, fields):
                    changed.append(candidacy)
                rows.append(candidacy)
            placed.append((seat, row, rows, total))
        Candidacy.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
        Candidacy.objects.bulk_create(new, batch_size=500)
        rows_update(Candidacy, changed, ["votes", "elected", "source", "person_name"])
        new_results, changed_results = [], []
        for seat, row, rows, total in placed:
            second = rows[1] if len(rows) > 1 else None
            fields = {"electorate": row.int("Electorate15"), "valid_votes": total, "invalid_votes": None,
                      "majority": rows[0].votes - (second.votes if second else 0), "winner": rows[0],
                      "runner_up": second, "winner_party": rows[0].party,
                      "runner_up_party": second.party if second else None,
                      "result_text": f"{row.text('Winner15')} (BES)", "source": source}
            result = results.pop(seat.pk, None)
            if result is None:
                new_results.append(Result(election=election, constituency=seat, **fields))
            elif assign(result, fields):
                changed_results.append(result)
        Result.objects.filter(pk__in=[r.pk for r in results.values()]).delete()
        Result.objects.bulk_create(new_results, batch_size=500)
        rows_update(Result, changed_results, list(RESULT_FIELDS))
        return len(new) + len(changed) + len(new_results) + len(changed_results)
