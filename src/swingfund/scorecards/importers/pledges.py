"""Pledge-survey answers: one CSV row per candidate × statement.

Columns: `statement` (the statement's slug; optional when the command names one with `--statement`),
`stance` (agree / disagree / mixed / unknown; also yes / no), `date` (YYYY-MM-DD), `source_url` (where the
answer is published), and who answered: `dc_person_id` (Democracy Club person id) or else `gss_code` + `name`
(seat and the name as on the ballot). Optional: `summary`, `note`.

Matching to a candidacy in the chosen election: by Democracy Club id when the row has one; otherwise by seat +
name, which must match exactly one candidacy in that seat (names compared without case, accents or
punctuation). Anything else is *unmatched*: reported, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from swingfund.elections.models import Candidacy
from swingfund.organisations.models import Organisation

from .. import services
from ..models import StatementVersion
from ..selectors import current_versions, election_get
from .common import (
    DUPLICATE,
    UNKNOWN_STATEMENT,
    Checker,
    ImportReport,
    normalise_name,
    progress_rows,
    read_rows,
)

# The pledge CSV's header row, and a filled-in sample (offered on /scorecards/statements/ and in `--help`).
PLEDGE_TEMPLATE = Path(__file__).resolve().parent / "pledges_template.csv"
PLEDGE_SAMPLE = Path(__file__).resolve().parent / "pledges_sample.csv"

STANCES = {
    "agree": "agree",
    "yes": "agree",
    "disagree": "disagree",
    "no": "disagree",
    "mixed": "mixed",
    "unknown": "unknown",
    "": "unknown",
}
NEED_IDENTITY = "needs a dc_person_id, or a gss_code and a name"
UNMATCHED_DC = "line {line}: no candidacy in {election} for Democracy Club person {dc_id}"
UNMATCHED_NAME = "line {line}: no candidacy named {name!r} in {gss} at {election}"
AMBIGUOUS_NAME = "line {line}: {count} candidacies named {name!r} in {gss} at {election}"


@dataclass(frozen=True)
class Pledge:
    line: int
    version: StatementVersion
    dc_id: int | None
    gss: str
    name: str
    stance: str
    date: object
    source_url: str
    summary: str
    note: str


def _parse(*, path: Path, organisation: Organisation, statement_slug: str | None) -> list[Pledge]:
    rows = read_rows(
        path=path,
        required=["stance", "date", "source_url"] + ([] if statement_slug else ["statement"]),
        any_of=[["dc_person_id", "gss_code"]],
    )
    check = Checker(str(path))
    versions = {v.statement.slug: v for v in current_versions(organisation=organisation)}
    if statement_slug and statement_slug not in versions:
        raise ValueError(
            UNKNOWN_STATEMENT.format(value=statement_slug, org=organisation.slug, known=", ".join(versions) or "none")
        )
    seen: dict[tuple, int] = {}
    out = []
    for row in rows:
        slug = statement_slug or check.required(row, "statement")
        if slug not in versions:
            raise check.fail(
                row,
                "statement",
                UNKNOWN_STATEMENT.format(value=slug, org=organisation.slug, known=", ".join(versions) or "none"),
            )
        stance = check.choice(row, "stance", STANCES) if row.values.get("stance") else "unknown"
        dc_id = check.integer(row, "dc_person_id")
        gss = check.gss(row, "gss_code")
        name = row.values.get("name", "")
        if dc_id is None and not (gss and name):
            raise check.fail(row, "dc_person_id", NEED_IDENTITY)
        key = (slug, dc_id) if dc_id is not None else (slug, gss, normalise_name(name))
        if key in seen:
            raise check.fail(
                row,
                "dc_person_id" if dc_id is not None else "name",
                DUPLICATE.format(what="candidate and statement", line=seen[key]),
            )
        seen[key] = row.line
        out.append(
            Pledge(
                row.line,
                versions[slug],
                dc_id,
                gss,
                name,
                stance,
                check.date(row, "date"),
                check.url(row, "source_url"),
                row.values.get("summary", ""),
                row.values.get("note", ""),
            )
        )
    return out


def import_pledges(
    *,
    path: Path,
    organisation: Organisation,
    election_id: str,
    statement_slug: str | None = None,
    recorded_by: AbstractBaseUser | None = None,
) -> ImportReport:
    """Check the whole file, match each row to a candidacy, then write the matched rows in one transaction."""
    election = election_get(election_id=election_id)
    pledges = _parse(path=path, organisation=organisation, statement_slug=statement_slug)
    report = ImportReport(file=str(path), rows=len(pledges))
    by_dc = {
        c.person.dc_person_id: c
        for c in Candidacy.objects.filter(
            election=election, person__dc_person_id__in=[p.dc_id for p in pledges if p.dc_id]
        ).select_related("person")
    }
    by_seat: dict[tuple[str, str], list[Candidacy]] = defaultdict(list)
    for c in Candidacy.objects.filter(
        election=election, constituency__gss_code__in={p.gss for p in pledges if p.gss}, person__isnull=False
    ).select_related("person", "constituency"):
        by_seat[(c.constituency.gss_code, normalise_name(c.person_name or c.person.name))].append(c)
    matched: list[tuple[Pledge, Candidacy]] = []
    for p in pledges:
        if p.dc_id is not None:
            candidacy = by_dc.get(p.dc_id)
            if candidacy is None:
                report.unmatched.append(UNMATCHED_DC.format(line=p.line, election=election.pk, dc_id=p.dc_id))
                continue
        else:
            found = by_seat.get((p.gss, normalise_name(p.name)), [])
            if len(found) != 1:
                template = UNMATCHED_NAME if not found else AMBIGUOUS_NAME
                report.unmatched.append(
                    template.format(line=p.line, name=p.name, gss=p.gss, election=election.pk, count=len(found))
                )
                continue
            candidacy = found[0]
        matched.append((p, candidacy))
    with transaction.atomic():
        for p, candidacy in progress_rows(matched, description=f"Pledges from {path.name}"):
            services.evidence_record(
                statement_version=p.version,
                person=candidacy.person,
                candidacy=candidacy,
                kind="pledge",
                stance=p.stance,
                date=p.date,
                source_url=p.source_url,
                summary=p.summary,
                note=p.note,
                recorded_by=recorded_by,
                recorded_via=f"pledges import {path.name}:{p.line}",
                replace_same_source=True,
            )
            report.written += 1
            report.persons.add(candidacy.person_id)
        services.scores_recompute(organisation=organisation, persons=report.persons)
    return report
