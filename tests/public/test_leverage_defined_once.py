"""Leverage is defined once (issue 22): one glossary entry on /targets/, and every other mention of the word on the
page — and on the pages that show it (whom we back, a seat) — links to that entry; the JSON download and the API
describe the field in the same words."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "use",
        "path", "rect", "line", "circle", "polygon", "stop"}
# The boxes a mention is read in: the nearest of these around a mention must hold the link to the definition.
BLOCKS = {"p", "li", "th", "td", "dd", "dt", "figcaption", "figure", "h1", "h2", "h3", "div", "span", "strong",
          "caption", "label", "summary"}
# Words that define leverage (a ratio to the majority), wherever they are written.
DEFINING = re.compile(r"÷\s*(the\s+)?majority|divided by (the|its|the seat's) majority", re.I)


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()


class Tree(HTMLParser):
    """A small DOM from the standard library's parser (enough for these pages: every non-void tag is closed)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("#root", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def mentions(root: Node, *, skip: tuple[Node, ...] = ()):
    """Every shown text that says 'leverage' (not a hex's tooltip, a script or the glossary entry `skip`), with the
    element it sits in."""
    for node in root.walk():
        if node.tag in ("title", "script", "style", "head") or node in skip:
            continue
        if any(a in skip or a.tag in ("title", "script", "style", "head") for a in ancestors(node)):
            continue
        for child in node.children:
            if isinstance(child, str) and "leverage" in child.lower():
                yield node, child.strip()


def ancestors(node: Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def links_to(node: Node, href_end: str) -> bool:
    return any(n.tag == "a" and n.attrs.get("href", "").endswith(href_end) for n in node.walk())


def unlinked(root: Node, *, skip: tuple[Node, ...], href_end: str) -> list[str]:
    """The mentions neither inside a link to the definition nor in a box that holds one."""
    bad = []
    for node, text in mentions(root, skip=skip):
        chain = [node, *ancestors(node)]
        if any(n.tag == "a" and n.attrs.get("href", "").endswith(href_end) for n in chain):
            continue
        box = next((n for n in chain if n.tag in BLOCKS), None)
        if box is None or not links_to(box, href_end):
            bad.append(f"<{node.tag}> {text[:80]}")
    return bad


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def targets_html(official_db, client) -> str:
    response = client.get("/targets/", {"election": "parl.2024-07-04", "bloc": "religion:muslim", "draws": "200"})
    assert response.status_code == 200
    return response.content.decode()


def test_targets_defines_leverage_once_and_every_mention_links_to_it(targets_html):
    root = Tree(targets_html).root
    dfns = [n for n in root.walk() if n.tag == "dfn"]
    leverage_dfns = [n for n in dfns if "leverage" in n.text().lower()]
    assert [(n.attrs.get("id"), n.text()) for n in leverage_dfns] == [("leverage", "Leverage")]
    entry = leverage_dfns[0].parent  # <dt>; its definition is the next <dd>
    siblings = [c for c in entry.parent.children if isinstance(c, Node)]
    definition = siblings[siblings.index(entry) + 1]
    assert definition.tag == "dd"
    words = squash(definition.text())
    assert "divided by the seat's majority" in words
    assert "Cohesive leverage" in words and "own-candidate leverage" in words
    # defined nowhere else: no other sentence on the page says what leverage is a ratio of
    elsewhere = [squash(t) for node, t in mentions(root, skip=(entry, definition)) if DEFINING.search(t)]
    outside = squash(targets_html.replace(f">{definition.text()}<", "><"))
    assert elsewhere == [] and not DEFINING.search(re.sub(r"<title>.*?</title>", "", outside, flags=re.S))
    # every mention links to the definition (the glossary term itself aside)
    found = list(mentions(root, skip=(entry, definition)))
    assert len(found) >= 6  # captions, the toolbar, the map's key, two column headings, the bar chart's axis
    assert unlinked(root, skip=(entry, definition), href_end="#leverage") == []


def test_the_json_and_the_api_describe_leverage_in_the_glossarys_words(targets_html, client):
    root = Tree(targets_html).root
    dfn = next(n for n in root.walk() if n.tag == "dfn" and n.attrs.get("id") == "leverage")
    siblings = [c for c in dfn.parent.parent.children if isinstance(c, Node)]
    words = squash(siblings[siblings.index(dfn.parent) + 1].text())
    download = json.loads(client.get("/downloads/targets.json", {"election": "parl.2024-07-04",
                                                                 "bloc": "religion:muslim"}).content)
    said = squash(download["fields"]["leverage"])
    assert said.lower() == f"leverage: {words}".lower()
    assert sum(said == squash(n) for n in download["notes"]) == 1
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert squash(schema["TargetOut"]["properties"]["leverage"]["description"]) == said
    assert squash(schema["RecommendationOut"]["properties"]["leverage"]["description"]) == said


def test_whom_we_back_and_a_seat_link_their_leverage_to_the_one_definition(world, client):
    from tests.public.conftest import JOURNEY_SEAT

    for path in ("/recommendations/", f"/seats/{JOURNEY_SEAT}/"):
        html = client.get(path).content.decode()
        root = Tree(html).root
        shown = [t for _, t in mentions(root)]
        assert shown, path
        assert unlinked(root, skip=(), href_end="/targets/#leverage") == [], path
        assert not any(DEFINING.search(t) for t in shown), path  # named, never defined again
