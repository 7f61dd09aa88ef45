"""Segments with counts per seat; messages with placeholders, translations, imprint, approval and scheduling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from swingfund.outreach import errors
from swingfund.outreach.delivery import deliveries_claim
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.messaging import (
    message_approve,
    message_create,
    message_preview,
    message_queue,
    message_render,
    message_schedule,
    translation_set,
)
from swingfund.outreach.models import Delivery, Message, Pledge
from swingfund.outreach.segments import constituencies_from_targets, segment_counts, segment_create, segment_members
from swingfund.outreach.services import consent_withdraw, pledge_record, pledged_supporters
from tests.outreach.conftest import IMPRINT, NORTH, SOUTH, WEST, make_supporter

BODY = "Hello {first_name}, in {seat} your vote counts. {pledge_link}"


@pytest.fixture
def people(organisation, postcodes):
    return {
        "south_en": make_supporter(organisation, 1, tags=["volunteer"]),
        "south_ur": make_supporter(organisation, 2, language="ur"),
        "south_unconfirmed": make_supporter(organisation, 3, confirm=False),
        "north": make_supporter(organisation, 4, postcode="AB10 1PE", tags=["volunteer"]),
        "west": make_supporter(organisation, 5, postcode="AB12 3GQ"),
        "south_wa_only": make_supporter(organisation, 6, channels=("whatsapp",)),
    }


def test_counts_per_seat_follow_channel_consent_tag_and_language(organisation, people):
    email = segment_create(organisation=organisation, name="Aberdeen", basis="list", gss_codes=[SOUTH, NORTH],
                           channel="email")  # fmt: skip
    # email: the unconfirmed (no double opt-in) and the WhatsApp-only supporters are not reachable; West is outside
    assert [(s.gss_code, n) for s, n in segment_counts(segment=email)] == [(NORTH, 1), (SOUTH, 2)]
    wa = segment_create(organisation=organisation, name="WA", basis="list", gss_codes=[SOUTH, NORTH, WEST],
                        channel="whatsapp")  # fmt: skip
    # WhatsApp: the unconfirmed supporter's number is not confirmed by its owner either (issue 21)
    assert {s.gss_code: n for s, n in segment_counts(segment=wa)} == {SOUTH: 3, NORTH: 1, WEST: 1}
    tagged = segment_create(organisation=organisation, name="Vol", basis="list", gss_codes=[SOUTH, NORTH],
                            channel="email", tags=["volunteer"])  # fmt: skip
    assert {p.first_name for p in segment_members(segment=tagged)} == {"Person1", "Person4"}
    urdu = segment_create(organisation=organisation, name="Ur", basis="list", gss_codes=[SOUTH], channel="whatsapp",
                          language="ur")  # fmt: skip
    assert [p.first_name for p in segment_members(segment=urdu)] == ["Person2"]
    consent_withdraw(supporter=people["north"], purpose="email", via="test")
    assert {s.gss_code: n for s, n in segment_counts(segment=email)} == {SOUTH: 2, NORTH: 0}


def test_segment_refuses_unknown_seats(organisation, postcodes):
    with pytest.raises(OutreachRefusal, match="E99999999"):
        segment_create(organisation=organisation, name="x", basis="list", gss_codes=[SOUTH, "E99999999"],
                       channel="email")  # fmt: skip


def test_segment_from_a_targets_run_takes_the_top_seats_by_p_pivotal(official_db):
    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.targets import targets_compute

    codes = constituencies_from_targets(election_id="parl.2024-07-04", bloc="religion:muslim", top=5)
    table = targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="religion:muslim"))
    p = {table.seats.codes[i]: float(table.p_swing[i]) for i in range(len(table.seats))}
    assert len(set(codes)) == 5
    chosen = sorted((p[c] for c in codes), reverse=True)
    rest = [v for c, v in p.items() if c not in codes and v == v]
    assert min(chosen) >= max(rest)  # no seat left out has a higher P(pivotal) than one taken


@pytest.fixture
def message(organisation, people, organisers):
    segment = segment_create(organisation=organisation, name="Aberdeen", basis="list", gss_codes=[SOUTH, NORTH],
                             channel="email")  # fmt: skip
    return message_create(
        segment=segment, title="Register", author=organisers[0], pledge_ask=True,
        translations={"en": ("Your vote in {seat}", BODY), "ur": ("{seat} میں آپ کا ووٹ", "سلام {first_name}، {seat}")},
    )  # fmt: skip


def test_render_fills_placeholders_and_appends_the_imprint(message, people):
    rendered = message_render(message=message, supporter=people["south_en"])
    assert rendered.subject == "Your vote in Aberdeen South"
    assert rendered.body.startswith("Hello Person1, in Aberdeen South your vote counts. http")
    assert f"/outreach/pledge/{people['south_en'].token}/{message.pk}/" in rendered.body
    assert rendered.body.endswith("\n\n" + IMPRINT) and rendered.direction == "ltr"
    urdu = message_render(message=message, supporter=people["south_ur"])
    assert urdu.direction == "rtl" and urdu.body.startswith("سلام Person2، Aberdeen South")
    assert urdu.body.endswith(IMPRINT)


def test_imprint_cannot_be_edited_and_unknown_placeholders_are_refused(message):
    with pytest.raises(OutreachRefusal) as refused:
        translation_set(message=message, language="en", subject="x", body="Hi. Promoted by nobody.")
    assert str(refused.value) == errors.IMPRINT_REMOVED
    with pytest.raises(OutreachRefusal, match=r"Unknown placeholder \{surname\}"):
        translation_set(message=message, language="en", subject="x", body="Hi {surname}")


def test_preview_rtl_page(client, message, organisers):
    client.force_login(organisers[1])
    page = client.get(f"/outreach/messages/{message.pk}/").content.decode()
    assert 'dir="rtl" lang="ur"' in page and 'dir="ltr" lang="en"' in page
    assert page.count(IMPRINT) >= 2
    assert message_preview(message=message, language="ur").direction == "rtl"


def test_second_organiser_must_approve_and_changes_void_the_approval(message, organisers):
    author, other = organisers
    with pytest.raises(OutreachRefusal) as refused:
        message_approve(message=message, approver=author)
    assert str(refused.value) == errors.SELF_APPROVAL
    with pytest.raises(OutreachRefusal, match="not approved"):
        message_queue(message=message)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Message.objects.filter(pk=message.pk).update(approved_by=author)
    message_approve(message=message, approver=other)
    message.translations.filter(language="en").update(body="Changed {seat}")  # behind the service's back
    with pytest.raises(OutreachRefusal) as stale:
        message_queue(message=message)
    assert str(stale.value) == errors.STALE_APPROVAL
    translation_set(message=message, language="en", subject="s", body="Again {seat}")
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT and message.approved_by is None


def test_queue_is_once_per_supporter_and_scheduling_holds_it(message, organisers, people):
    message_approve(message=message, approver=organisers[1])
    later = timezone.now() + timedelta(hours=3)
    message_schedule(message=message, send_after=later)
    assert message_queue(message=message) == 3
    assert message_queue(message=message) == 0
    assert set(Delivery.objects.values_list("language", flat=True)) == {"en", "ur"}
    assert deliveries_claim(channel="email", limit=10, worker="w") == []  # not due yet
    assert len(deliveries_claim(channel="email", limit=10, worker="w", now=later + timedelta(seconds=1))) == 3


def test_pledge_to_vote_feeds_the_reminder(client, message, people, organisation):
    message.election_id = "parl.2024-07-04"
    message.save()
    url = f"/outreach/pledge/{people['north'].token}/{message.pk}/"
    assert client.post(url, {"answer": "yes"}).status_code == 200
    pledge_record(token=people["south_en"].token, message_id=message.pk, will_vote=False)
    assert Pledge.objects.count() == 2
    assert list(pledged_supporters(organisation=organisation, election_id="parl.2024-07-04")) == [people["north"]]
