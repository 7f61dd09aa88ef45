"""The GB 2024 census constituency summary file: its 2019 *notional* results on 2024 boundaries (Rallings &
Thrasher), imported as the separate election `parl.2019-12-12.notional` (notional=True, boundary set pcon2024).

Each party's notional vote is a Candidacy with no person; all other candidates are one combined row
("Other candidates (combined)", no party). A Result per seat has the notional electorate, valid votes, winner,
runner-up and majority. It also stores each seat's **adult share** from the file's census age bands
(`age`/`adult_share`, percent of usual residents aged 18 or over; census2021 in England and Wales, scotland2022 in
Scotland): the bands from 20 up plus half of the 16–19 band (an assumption: the file has no single-year ages).

When "Other" lumps several candidates together and one of them is first or second (Chorley's Speaker,
Beaconsfield's Dominic Grieve), the majority from the party rows would be wrong, so the file's `Majority19`
(% of votes) is used instead, with a warning. Needs the 2024 constituency file first.
"""

from __future__ import annotations

from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import Importer, ProgressHook, Schema, assign, rows_update
from swingfund.elections.importers.census import pcon2024_seats, seat_or_fail, seat_stat, stats_replace
from swingfund.elections.importers.elections import GE2019_NOTIONAL, election_ensure
from swingfund.elections.models import Candidacy, DataSource, Party, Result

# Column stem → party name as the House of Commons Library files spell it (so rows join to the same Party).
NOTIONAL_PARTIES = {
    "Con": "Conservative",
    "Lab": "Labour",
    "LD": "Liberal Democrat",
    "SNP": "Scottish National Party",
    "PC": "Plaid Cymru",
    "Green": "Green",
    "Brexit": "Brexit Party",
    "Other": None,
}
OTHER_LABEL = "Other candidates (combined)"
ADULT_BANDS = ("c21Age20to24", "c21Age25to29", "c21Age30to34", "c21Age35to39", "c21Age40to44", "c21Age45to49",
               "c21Age50to54", "c21Age55to59", "c21Age60to64", "c21Age65to69", "c21Age70to74", "c21Age75to79",
               "c21Age80to84", "c21Age85plus")
HALF_BAND = "c21Age16to19"  # half of it (ages 18 and 19) counts as adult
ADULT_LABEL = "Aged 18 or over (c21Age20to24 … c21Age85plus + half of c21Age16to19)"
MAJORITY_TOLERANCE = 0.011  # percentage points: Majority19 is rounded to 2 decimals
REQUIRED = frozenset(
    {"ONSConstID", "ConstituencyName", "Winner19", "Majority19", "TotalVote19", "Electorate19"}
    | {f"{stem}Vote19" for stem in NOTIONAL_PARTIES}
)
OTHER_MAJORITY_WARNING = (
    "{code} {name}: 'Other' combines several candidates, one of them placed; majority taken from Majority19 "
    "({percent}% of {total} = {majority} votes)"
)


class GbSummaryNotional2019(Importer):
    key = "ge2024-census-summary-notional-2019"
    title = "GE2024 census constituency summaries (GB): notional 2019 results on 2024 boundaries"
    publisher = "Ralph Scott (UKGE24_wpc_census_summaries), notionals by Rallings & Thrasher"
    licence = "CC BY-SA 4.0 (compilation); census parts Open Government Licence v3.0"
    url = "https://github.com/ralphascott/UKGE24_wpc_census_summaries"
    order = 25
    schemas: ClassVar[tuple[Schema, ...]] = (Schema("v1.1", REQUIRED),)

    def count_rows(self) -> int | None:
        return max(self.table.text.count("\n") - 1, 0)

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        summary = self.summary
        seats = pcon2024_seats()
        election = election_ensure(GE2019_NOTIONAL, source=source)
        summary.elections.add(election.id)
        parties = {
            stem: Party.objects.get_or_create(name=name, defaults={"abbreviation": stem})[0]
            for stem, name in NOTIONAL_PARTIES.items()
            if name
        }
        parsed = []
        seen: dict[str, int] = {}
        for row in self.table.rows():
            summary.rows += 1
            tick(1)
            seat = seat_or_fail(row, "ONSConstID", seats)
            if seat.gss_code in seen:
                raise row.fail("ONSConstID", errors.DUPLICATE_ROW.format(what="seat", line=seen[seat.gss_code]))
            seen[seat.gss_code] = row.line
            votes = {stem: row.int(f"{stem}Vote19") for stem in NOTIONAL_PARTIES}
            total = row.int("TotalVote19")
            if sum(votes.values()) != total:
                raise row.fail(
                    "TotalVote19",
                    errors.SEAT_TOTAL_MISMATCH.format(code=seat.gss_code, got=sum(votes.values()), expected=total),
                )
            ranked = sorted(((v, stem) for stem, v in votes.items() if v > 0), reverse=True)
            majority = ranked[0][0] - (ranked[1][0] if len(ranked) > 1 else 0)
            percent = row.float("Majority19")
            if percent is not None and total and abs(majority / total * 100 - percent) > MAJORITY_TOLERANCE:
                if "Other" not in {stem for _, stem in ranked[:2]}:
                    raise row.fail(
                        "Majority19",
                        errors.MAJORITY_MISMATCH.format(code=seat.gss_code, got=majority, expected=f"{percent}%"),
                    )
                majority = round(percent * total / 100)
                summary.warnings.append(
                    OTHER_MAJORITY_WARNING.format(
                        code=seat.gss_code, name=seat.name, percent=percent, total=total, majority=majority
                    )
                )
            parsed.append((seat, row, votes, ranked, total, majority))
        if not parsed:
            raise self.table.fail(2, "ONSConstID", errors.EMPTY_FILE)

        existing = {
            (c.constituency_id, c.party_id): c for c in Candidacy.objects.filter(election=election, source=source)
        }
        results = {r.constituency_id: r for r in Result.objects.filter(election=election)}
        new_candidacies, changed_candidacies = [], []
        placed: dict[int, dict[str, Candidacy]] = {}
        for seat, _row, votes, ranked, _total, _majority in parsed:
            order = [stem for _, stem in ranked]
            placed[seat.pk] = {}
            for stem, count in votes.items():
                if count == 0:
                    continue
                party = parties.get(stem)
                fields = {
                    "votes": count,
                    "elected": order[0] == stem,
                    "source": source,
                    "person_name": "" if party else OTHER_LABEL,
                }
                candidacy = existing.pop((seat.pk, party.pk if party else None), None)
                if candidacy is None:
                    candidacy = Candidacy(election=election, constituency=seat, party=party, **fields)
                    new_candidacies.append(candidacy)
                elif assign(candidacy, fields):
                    changed_candidacies.append(candidacy)
                placed[seat.pk][stem] = candidacy
            summary.seats.add(seat.gss_code)
        Candidacy.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
        Candidacy.objects.bulk_create(new_candidacies, batch_size=500)
        rows_update(Candidacy, changed_candidacies, ["votes", "elected", "source", "person_name"])

        new_results, changed_results = [], []
        for seat, row, _votes, ranked, total, majority in parsed:
            winner = placed[seat.pk][ranked[0][1]]
            runner_up = placed[seat.pk][ranked[1][1]] if len(ranked) > 1 else None
            fields = {
                "electorate": row.int("Electorate19"),
                "valid_votes": total,
                "invalid_votes": None,
                "majority": majority,
                "winner": winner,
                "runner_up": runner_up,
                "winner_party": winner.party,
                "runner_up_party": runner_up.party if runner_up else None,
                "result_text": f"{row.text('Winner19')} (notional)",
                "source": source,
            }
            result = results.pop(seat.pk, None)
            if result is None:
                new_results.append(Result(election=election, constituency=seat, **fields))
            elif assign(result, fields):
                changed_results.append(result)
        Result.objects.filter(pk__in=[r.pk for r in results.values()]).delete()
        Result.objects.bulk_create(new_results, batch_size=500)
        rows_update(
            Result,
            changed_results,
            [
                "electorate",
                "valid_votes",
                "invalid_votes",
                "majority",
                "winner",
                "runner_up",
                "winner_party",
                "runner_up_party",
                "result_text",
                "source",
            ],
        )
        summary.written = len(new_candidacies) + len(changed_candidacies) + len(new_results) + len(changed_results)
        if all(c in self.table.header for c in (*ADULT_BANDS, HALF_BAND)):
            summary.written += self._adult_shares(parsed=parsed, source=source)

    def _adult_shares(self, *, parsed: list, source: DataSource) -> int:
        """Each seat's share of residents aged 18+, from the census age bands (replaced whole on re-import)."""
        stats = []
        for seat, row, *_ in parsed:
            bands = [row.float(c) for c in (*ADULT_BANDS, HALF_BAND)]
            if any(b is None for b in bands):
                self.summary.warnings.append(f"{seat.gss_code}: age bands incomplete, no adult_share")
                continue
            census = "scotland2022" if seat.nation == "S" else "census2021"
            stats.append(seat_stat(seat=seat, census=census, topic="age", category="adult_share", label=ADULT_LABEL,
                                   value=sum(bands[:-1]) + bands[-1] / 2, source=source, unit="percent"))
        return stats_replace(source=source, stats=stats)
