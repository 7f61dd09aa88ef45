"""Census religion and ethnicity by 2024 constituency, as aggregate statistics of a seat (never of a person).

* ONS Census 2021, England and Wales: long-format custom-dataset tables (religion, ethnic group 6 and 20
  categories), one row per seat × category, counts of usual residents. `census="census2021"`.
* NRS Scotland's Census 2022: wide tables (one row per seat, one column per category; the `.csv` conversions
  of the TableBuilder workbooks, and the `.xlsx` workbooks themselves — see `scotland_xlsx.py`).
  `census="scotland2022"`. Scotland keeps its own Christian denominations and adds an aggregated `christian`.

"Does not apply" (-8) rows are dropped. `population`/`all` is the seat's total usual residents (E&W: the sum
of the religion table's categories; Scotland: its "All people" column)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from django.utils.text import slugify

from swingfund.elections import errors
from swingfund.elections.importers.base import Importer, ProgressHook, Row, Schema
from swingfund.elections.models import BoundarySet, Constituency, DataSource, DemographicStat

ONS_PUBLISHER = "Office for National Statistics (compiled by Ralph Scott, UKGE24_wpc_census_summaries)"
NRS_PUBLISHER = "National Records of Scotland (compiled by Ralph Scott, UKGE24_wpc_census_summaries)"
OGL = "Open Government Licence v3.0; compilation CC BY-SA 4.0"
ONS_URL = "https://www.ons.gov.uk/datasets/create"
NRS_URL = "https://www.scotlandscensus.gov.uk/search-the-census#/"

PCON_CODE = "Post-2019 Westminster Parliamentary constituencies Code"
PCON_NAME = "Post-2019 Westminster Parliamentary constituencies"
DOES_NOT_APPLY = "-8"

RELIGION_2021 = {
    "1": "no_religion",
    "2": "christian",
    "3": "buddhist",
    "4": "hindu",
    "5": "jewish",
    "6": "muslim",
    "7": "sikh",
    "8": "other",
    "9": "not_answered",
}
ETHNICITY_2021 = {"1": "asian", "2": "black", "3": "mixed", "4": "white", "5": "other"}
ETHNIC_GROUP_PREFIX = {  # the five-group slug of a detailed label's group part
    "asian": "asian",
    "black": "black",
    "african": "black",
    "caribbean": "black",
    "mixed": "mixed",
    "white": "white",
    "other": "other",
}


def detailed_slug(label: str) -> str:
    """`"Asian, Asian British or Asian Welsh: Bangladeshi"` → `asian_bangladeshi` (group slug + sub-label)."""
    group, _, sub = label.partition(":")
    group_slug = ETHNIC_GROUP_PREFIX.get(slugify(group).split("-")[0], slugify(group).replace("-", "_"))
    if not sub:
        return slugify(label).replace("-", "_")
    return f"{group_slug}_{slugify(sub).replace('-', '_')}"[:80]


def pcon2024_seats() -> dict[str, Constituency]:
    return {c.gss_code: c for c in Constituency.objects.filter(boundary_set=BoundarySet.PCON2024)}


def stats_replace(*, source: DataSource, stats: Iterable[DemographicStat]) -> int:
    """Replace every statistic of this source with `stats` (the re-import path)."""
    DemographicStat.objects.filter(source=source).delete()
    created = DemographicStat.objects.bulk_create(list(stats), batch_size=1000)
    return len(created)


def seat_or_fail(row: Row, column: str, seats: dict[str, Constituency]) -> Constituency:
    code = row.gss(column)
    if code not in seats:
        raise row.fail(column, errors.UNKNOWN_SEAT.format(code=code, boundary_set=BoundarySet.PCON2024))
    return seats[code]


def seat_stat(
    *,
    seat: Constituency,
    census: str,
    topic: str,
    category: str,
    label: str,
    value: float,
    source: DataSource,
    unit: str = "count",
) -> DemographicStat:
    """One census statistic of a seat (by default a count of usual residents in a category)."""
    return DemographicStat(
        constituency=seat,
        census=census,
        topic=topic,
        category=category,
        label=label,
        value=value,
        unit=unit,
        source=source,
    )


class CensusImporter(Importer):
    """What the census tables share: one DataSource per table (topic), a row count for the progress bar."""

    licence = OGL
    order = 40

    def source_key(self) -> str:
        return f"{self.key}-{self.schema.name}"

    def count_rows(self) -> int | None:
        return max(self.table.text.count("\n") - 1, 0)


def _long_schema(name: str, classification: str) -> Schema:
    columns = {
        "code": PCON_CODE,
        "name": PCON_NAME,
        "category_code": f"{classification} Code",
        "category": classification,
        "value": "Observation",
    }
    return Schema(name, frozenset(columns.values()), columns)


class Census2021EW(CensusImporter):
    key = "ons-census2021-pcon2024"
    title = "ONS Census 2021 (England and Wales) by 2024 constituency"
    publisher = ONS_PUBLISHER
    url = ONS_URL
    schemas: ClassVar[tuple[Schema, ...]] = (
        _long_schema("religion", "Religion (10 categories)"),
        _long_schema("ethnicity", "Ethnic group (6 categories)"),
        _long_schema("ethnicity_detailed", "Ethnic group (20 categories)"),
    )
    CATEGORIES: ClassVar[dict[str, dict[str, str]]] = {"religion": RELIGION_2021, "ethnicity": ETHNICITY_2021}

    def source_defaults(self) -> dict[str, object]:
        return {**super().source_defaults(), "title": f"{self.title}: {self.schema.columns['category']}"}

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        s, topic = self.schema, self.schema.name
        seats = pcon2024_seats()
        mapping = self.CATEGORIES.get(topic)
        stats: list[DemographicStat] = []
        seen: dict[tuple[str, str], int] = {}
        totals: dict[str, int] = defaultdict(int)
        stat = partial(seat_stat, census="census2021", source=source)
        for row in self.table.rows():
            self.summary.rows += 1
            tick(1)
            seat = seat_or_fail(row, s.col("code"), seats)
            code = row.text(s.col("category_code"))
            value = row.int(s.col("value"))
            if code == DOES_NOT_APPLY:
                continue
            label = row.text(s.col("category"))
            if mapping is not None:
                if code not in mapping:
                    expected = ", ".join(f"{k}={v}" for k, v in mapping.items())
                    raise row.fail(
                        s.col("category_code"), errors.UNKNOWN_CATEGORY.format(value=code, expected=expected)
                    )
                category = mapping[code]
            else:
                category = detailed_slug(label)
            key = (seat.gss_code, category)
            if key in seen:
                raise row.fail(s.col("category"), errors.DUPLICATE_ROW.format(what="seat and category", line=seen[key]))
            seen[key] = row.line
            totals[seat.gss_code] += value
            stats.append(stat(seat=seat, topic=topic, category=category, label=label, value=value))
            self.summary.seats.add(seat.gss_code)
        if not seen:
            raise self.table.fail(2, s.col("code"), errors.EMPTY_FILE)
        if topic == "religion":
            stats.extend(
                stat(seat=seats[code], topic="population", category="all", label="All usual residents", value=total)
                for code, total in totals.items()
            )
        self.summary.written = stats_replace(source=source, stats=stats)


SCOTLAND_RELIGION = {
    "All people": ("population", "all"),
    "Church of Scotland": ("religion", "church_of_scotland"),
    "Roman Catholic": ("religion", "roman_catholic"),
    "Other Christian": ("religion", "other_christian"),
    "Buddhist": ("religion", "buddhist"),
    "Hindu": ("religion", "hindu"),
    "Jewish": ("religion", "jewish"),
    "Muslim": ("religion", "muslim"),
    "Sikh": ("religion", "sikh"),
    "Pagan": ("religion", "pagan"),
    "Other religion": ("religion", "other"),
    "No religion": ("religion", "no_religion"),
    "Religion not stated": ("religion", "not_answered"),
}
SCOTLAND_CHRISTIAN = ("church_of_scotland", "roman_catholic", "other_christian")
SCOTLAND_ETHNICITY_GROUPS = {
    "White: Total": ("white",),
    "Mixed or multiple ethnic group": ("mixed",),
    "Asian, Asian Scottish or Asian British: Total": ("asian",),
    "African: Total": ("black",),
    "Caribbean or Black: Total": ("black",),
    "Other ethnic groups: Total": ("other",),
}
SCOTLAND_ETHNICITY_REQUIRED = frozenset({"constituency_name", "pcon24cd", "All People", *SCOTLAND_ETHNICITY_GROUPS})


def scotland_stats(
    *, seat: Constituency, values: dict[str, int], kind: str, source: DataSource
) -> list[DemographicStat]:
    """The statistics of one Scottish seat from its wide row (`values`: column label → count)."""

    def stat(topic: str, category: str, label: str, value: int) -> DemographicStat:
        return seat_stat(
            seat=seat, census="scotland2022", topic=topic, category=category, label=label, value=value, source=source
        )

    out: list[DemographicStat] = []
    if kind == "religion":
        for column, (topic, category) in SCOTLAND_RELIGION.items():
            out.append(stat(topic, category, column, values[column]))
        christian = sum(values[c] for c, (_, cat) in SCOTLAND_RELIGION.items() if cat in SCOTLAND_CHRISTIAN)
        out.append(stat("religion", "christian", "Christian (Church of Scotland, Roman Catholic, other)", christian))
        return out
    groups: dict[str, int] = defaultdict(int)
    for column, value in values.items():
        if column in {"All People", "constituency_name", "pcon24cd"}:
            continue
        if column in SCOTLAND_ETHNICITY_GROUPS:
            groups[SCOTLAND_ETHNICITY_GROUPS[column][0]] += value
        if not column.endswith(": Total"):
            out.append(stat("ethnicity_detailed", detailed_slug(column), column, value))
    out.extend(stat("ethnicity", category, category, value) for category, value in groups.items())
    return out


class ScotlandCensus2022(CensusImporter):
    key = "nrs-census2022-pcon2024"
    title = "Scotland's Census 2022 (NRS) by 2024 constituency"
    publisher = NRS_PUBLISHER
    url = NRS_URL
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("religion", frozenset({"constituency_name", "pcon24cd", *SCOTLAND_RELIGION})),
        Schema("ethnicity", SCOTLAND_ETHNICITY_REQUIRED),
    )

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        seats = pcon2024_seats()
        stats: list[DemographicStat] = []
        seen: dict[str, int] = {}
        for row in self.table.rows():
            self.summary.rows += 1
            tick(1)
            seat = seat_or_fail(row, "pcon24cd", seats)
            if seat.gss_code in seen:
                raise row.fail("pcon24cd", errors.DUPLICATE_ROW.format(what="seat", line=seen[seat.gss_code]))
            seen[seat.gss_code] = row.line
            values = {c: row.int(c) for c in self.table.header if c not in {"constituency_name", "pcon24cd"}}
            stats.extend(scotland_stats(seat=seat, values=values, kind=self.schema.name, source=source))
            self.summary.seats.add(seat.gss_code)
        if not seen:
            raise self.table.fail(2, "pcon24cd", errors.EMPTY_FILE)
        self.summary.written = stats_replace(source=source, stats=stats)
