"""Commons division votes: one CSV row per member × division.

Columns: `division_id`, `date` (YYYY-MM-DD), `vote` (aye / no / abstain (both) / absent), and the member:
`mnis_id` (UK Parliament member id) or `member` (name). Optional: `title`, `url` (the division's page; when
blank and the id is a Commons Votes number, the official page
`https://votes.parliament.uk/votes/commons/division/<id>` is used), `statement`, `agree_when` (aye / no),
`important` (yes / no).

Each division is mapped to a statement with the direction that counts as agreement and whether it is
important, from the columns or from the command's options (`--statement`, `--agree-when`, `--important`).
Members are matched by MNIS id, else by a name matching exactly one person; others are unmatched and reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from swingfund.elections.models import Person
from swingfund.organisations.models import Organisation

from .. import services
from ..models import StatementVersion
from ..selectors import current_versions
from .common import DUPLICATE, UNKNOWN_STATEMENT, Checker, ImportReport, normalise_name, progress_rows, read_rows

VOTES = {
    "aye": "aye",
    "yes": "aye",
    "content": "aye",
    "no": "no",
    "noe": "no",
    "not content": "no",
    "abstain": "abstain",
    "both": "abstain",
    "absent": "absent",
    "": "absent",
}
DIRECTIONS = {"aye": "aye", "no": "no"}
FLAGS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
COMMONS_VOTES_URL = "https://votes.parliament.uk/votes/commons/division/{id}"
NEED_MEMBER = "needs an mnis_id or a member name"
NEED_URL = "is blank, and the division id is not a Commons Votes number to build the official link from"
CONFLICT = "division {id} is mapped {got!r} here but {first!r} on line {line}"
NEED_DIRECTION = "is blank and no --agree-when was given: say which vote counts as agreement"
UNMATCHED_MNIS = "line {line}: no person with MNIS id {mnis}"
UNMATCHED_MEMBER = "line {line}: no person named {name!r}"
AMBIGUOUS_MEMBER = "line {line}: {count} people named {name!r}; use mnis_id"


@dataclass(frozen=True)
class VoteRow:
    line: int
    version: StatementVersion
    division_id: str
    date: object
    title: str
    url: str
    vote: str
    agree_when: str
    important: bool
    mnis: int | None
    member: str


def _parse(
    *,
    path: Path,
    organisation: Organisation,
    statement_slug: str | None,
    agree_when: str | None,
    important: Collection[str],
    all_important: bool,
) -> list[VoteRow]:
    rows = read_rows(path=path, required=["division_id", "date", "vote"], any_of=[["mnis_id", "member"]])
    check = Checker(str(path))
    versions = {v.statement.slug: v for v in current_versions(organisation=organisation)}
    known = ", ".join(versions) or "none"
    if statement_slug and statement_slug not in versions:
        raise ValueError(UNKNOWN_STATEMENT.format(value=statement_slug, org=organisation.slug, known=known))
    seen: dict[tuple, int] = {}
    mapping_seen: dict[tuple, tuple[tuple, int]] = {}
    out = []
    for row in rows:
        slug = row.values.get("statement") or statement_slug
        if not slug:
            raise check.fail(row, "statement", "is blank and no --statement was given")
        if slug not in versions:
            raise check.fail(row, "statement", UNKNOWN_STATEMENT.format(value=slug, org=organisation.slug, known=known))
        division_id = check.required(row, "division_id")
        date = check.date(row, "date")
        vote = check.choice(row, "vote", VOTES) if row.values["vote"] else "absent"
        if row.values.get("agree_when"):
            direction = check.choice(row, "agree_when", DIRECTIONS)
        elif agree_when:
            direction = agree_when
        else:
            raise check.fail(row, "agree_when", NEED_DIRECTION)
        weight = (
            check.choice(row, "important", FLAGS)
            if row.values.get("important")
            else all_important or division_id in important
        )
        url = check.url(row, "url", required=False)
        if not url:
            if not division_id.isdigit():
                raise check.fail(row, "url", NEED_URL)
            url = COMMONS_VOTES_URL.format(id=division_id)
        mnis = check.integer(row, "mnis_id")
        member = row.values.get("member", "")
        if mnis is None and not member:
            raise check.fail(row, "mnis_id", NEED_MEMBER)
        key = (slug, division_id, mnis if mnis is not None else normalise_name(member))
        if key in seen:
            raise check.fail(
                row, "division_id", DUPLICATE.format(what="member, division and statement", line=seen[key])
            )
        seen[key] = row.line
        mapping = (direction, weight)
        first = mapping_seen.setdefault((slug, division_id), (mapping, row.line))
        if first[0] != mapping:
            raise check.fail(
                row, "agree_when", CONFLICT.format(id=division_id, got=mapping, first=first[0], line=first[1])
            )
        out.append(
            VoteRow(
                row.line,
                versions[slug],
                division_id,
                date,
                row.values.get("title", ""),
                url,
                vote,
                direction,
                weight,
                mnis,
                member,
            )
        )
    return out


def import_divisions(
    *,
    path: Path,
    organisation: Organisation,
    statement_slug: str | None = None,
    agree_when: str | None = None,
    important: Collection[str] = (),
    all_important: bool = False,
    recorded_by: AbstractBaseUser | None = None,
) -> ImportReport:
    """Check the whole file, map its divisions and match members, then write the votes in one transaction."""
    if agree_when is not None and agree_when not in DIRECTIONS:
        raise ValueError(f"--agree-when must be aye or no, not {agree_when!r}")
    votes = _parse(
        path=path,
        organisation=organisation,
        statement_slug=statement_slug,
        agree_when=agree_when,
        important=set(important),
        all_important=all_important,
    )
    report = ImportReport(file=str(path), rows=len(votes))
    by_mnis = {p.mnis_id: p for p in Person.objects.filter(mnis_id__in=[v.mnis for v in votes if v.mnis])}
    names = {normalise_name(v.member) for v in votes if v.mnis is None}
    by_name: dict[str, list[Person]] = defaultdict(list)
    if names:
        for p in Person.objects.all().only("id", "name"):
            key = normalise_name(p.name)
            if key in names:
                by_name[key].append(p)
    matched = []
    for v in votes:
        if v.mnis is not None:
            person = by_mnis.get(v.mnis)
            if person is None:
                report.unmatched.append(UNMATCHED_MNIS.format(line=v.line, mnis=v.mnis))
                continue
        else:
            found = by_name.get(normalise_name(v.member), [])
            if len(found) != 1:
                template = UNMATCHED_MEMBER if not found else AMBIGUOUS_MEMBER
                report.unmatched.append(template.format(line=v.line, name=v.member, count=len(found)))
                continue
            person = found[0]
        matched.append((v, person))
    with transaction.atomic():
        mappings = {}
        for v in votes:
            if (v.version.pk, v.division_id) not in mappings:
                mappings[(v.version.pk, v.division_id)] = services.division_map(
                    statement_version=v.version,
                    division_id=v.division_id,
                    date=v.date,
                    agree_when=v.agree_when,
                    important=v.important,
                    title=v.title,
                    url=v.url,
                )
        for v, person in progress_rows(matched, description=f"Votes from {path.name}"):
            services.evidence_record_vote(
                statement_version=v.version,
                person=person,
                division=mappings[(v.version.pk, v.division_id)].division,
                vote=v.vote,
                source_url=v.url,
                recorded_by=recorded_by,
                recorded_via=f"divisions import {path.name}:{v.line}",
            )
            report.written += 1
            report.persons.add(person.pk)
        services.scores_recompute(organisation=organisation, persons=report.persons)
    return report
