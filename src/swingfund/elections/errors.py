"""Errors raised while importing official files, and their message texts (tests import these constants).

Every import error renders as one line, `FILE:LINE: column X: what is wrong`, so a person can open the file
at that line and see the problem.
"""

from __future__ import annotations

MISSING_COLUMN = "missing from the header (this looks like {title})"
UNKNOWN_FORMAT = "not a recognised official file: no importer knows this header ({columns})"
NOT_UTF8 = "not UTF-8 text (byte 0x{byte:02x}); re-save the file as UTF-8"
TOO_FEW_FIELDS = "row has {got} fields but the header has {expected}: the file looks truncated"
TOO_MANY_FIELDS = "row has {got} fields but the header has {expected}"
NOT_A_NUMBER = "not a whole number: {value!r}"
NOT_A_DECIMAL = "not a number: {value!r}"
BLANK_VALUE = "is blank"
NUL_BYTE = "contains a NUL byte (0x00): the file is corrupt or not a text CSV"
BAD_QUOTING = "broken quoting ({detail}): a quote opened in a field is not closed where the field ends"
RUNAWAY_QUOTE = "a quoted field runs on from line {line} over {lines} lines: an unclosed quote?"
OUT_OF_RANGE = "{value!r} is out of range (at most {limit:,})"
NOTHING_IMPORTED = "nothing imported: no file in it is an official file swingfund recognises ({skipped} skipped)"
NEGATIVE = "is negative: {value!r}"
INVALID_GSS = "not a valid GSS code: {value!r}"
UNKNOWN_SEAT = "{code} is not a {boundary_set} seat in the database: import its constituency results file first"
NO_RESULT = "{code} has no result for {election}: the constituency results file does not list this seat"
DUPLICATE_ROW = "duplicate row: same {what} as line {line}"
SEAT_TOTAL_MISMATCH = (
    "candidates in {code} add up to {got} votes but the constituency file says {expected} valid votes: "
    "the file looks truncated or incomplete"
)
SEAT_MISSING = "{count} seats of {election} have no candidate rows (first: {code}): the file looks truncated"
MAJORITY_MISMATCH = "{code}: winner minus runner-up is {got} votes but the constituency file says majority {expected}"
ELECTION_NOT_IMPORTED = "{election} is not in the database: import its constituency results file first"
# What a public page says before any results are imported: for the visitor plainly, and for the administrator how.
NO_ELECTIONS = (
    "No election results are imported yet. The site's administrator imports the official files with "
    "`swingfund data fetch` and `swingfund data import`."
)
ELECTION_UNKNOWN = "cannot tell which election this file is for; put the year in its name (e.g. GE2019)"
EMPTY_FILE = "the file has a header but no rows"
NOT_A_FILE = "no such file"
UNKNOWN_CATEGORY = "unknown category {value!r} (expected one of: {expected})"
DUPLICATE_POSTCODE = "postcode {postcode} appears twice in the file"
UNKNOWN_POSTCODE = "{postcode!r} is not a postcode in the {boundary_set} lookup (import the ONS postcode directory)"
INVALID_POSTCODE = "{postcode!r} is not a valid UK postcode"
UNKNOWN_OFFICIAL_FILE = "{name} is not an official file swingfund knows (see `swingfund data fetch --list`)"
OFFICIAL_FILE_MISSING = (
    "{name} is neither in SWINGFUND_DATA ({data}) nor in the cache ({cache}): run `swingfund data fetch`"
)
CHECKSUM_MISMATCH = "{name}: sha256 {got} does not match the known-good copy {expected}; the download was not kept"
DOWNLOAD_FAILED = "{name}: download from {url} failed: {reason}"


class ImportFailure(Exception):
    """A problem in an official file. `str()` gives the one-line `FILE:LINE: column X: what is wrong`."""

    def __init__(self, *, file: str, line: int, column: str, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column {self.column}: {self.message}"


class LookupFailure(Exception):
    """A lookup (postcode, official file) that cannot be answered; the message says what to do."""


class FetchFailure(Exception):
    """A download that failed or did not match its checksum."""
