"""A local stand-in for the UK Parliament's Commons Votes API: `GET /data/division/{id}.json` answers the
documented PublishedDivision JSON for the divisions it was given, 404 for any other. Tests and the demo only.

    with commons_votes_standin([division(...), ...]) as base_url:
        fetch_divisions(division_ids=[...], ..., base=base_url)
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/data/division/(\d+)\.json$")


def recorded_member(*, member_id: int, name: str, party: str, list_as: str = "") -> dict:
    """A RecordedMember as the API writes it."""
    return {"MemberId": member_id, "Name": name, "Party": party, "SubParty": None, "PartyColour": "808080",
            "PartyAbbreviation": party[:3], "MemberFrom": "Somewhere", "ListAs": list_as, "ProxyName": None}


def division(*, division_id: int, date: str, title: str, ayes: Sequence[dict], noes: Sequence[dict],
             number: int = 1) -> dict:
    """A PublishedDivision as the API writes it (counts follow from the lists)."""
    return {"DivisionId": division_id, "Date": f"{date}T15:30:00", "PublicationUpdated": f"{date}T18:00:00",
            "Number": number, "IsDeferred": False, "EVELType": "", "EVELCountry": "", "Title": title,
            "AyeCount": len(ayes), "NoCount": len(noes), "DoubleMajorityAyeCount": None,
            "DoubleMajorityNoCount": None, "AyeTellers": [], "NoTellers": [], "Ayes": list(ayes), "Noes": list(noes),
            "FriendlyDescription": None, "FriendlyTitle": None, "NoVoteRecorded": [], "RemoteVotingStart": None,
            "RemoteVotingEnd": None}


@contextmanager
def commons_votes_standin(divisions: Sequence[dict]) -> Iterator[str]:
    """Serve `divisions` on a free loopback port; yields the base URL. Requests are counted in `.requests`."""
    by_id = {int(d["DivisionId"]): d for d in divisions}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            match = PATH.match(self.path.split("?")[0])
            found = by_id.get(int(match.group(1))) if match else None
            body = json.dumps(found).encode() if found else b'{"message": "Not Found"}'
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
