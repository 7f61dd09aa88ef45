"""A group's identity comes from its organisation row: each host's pages, consent words, imprint and giving
details are its own group's, never another group's, never the demo's, never settings'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from swingfund.accounts.services import role_grant, totp_device_create
from swingfund.organisations.models import Organisation
from swingfund.organisations.services import organisation_create
from swingfund.outreach import compose, errors
from swingfund.outreach.errors import OutreachRefusal
from swingfund.public.context_processors import ADDRESS_MISSING, SET_UP_YOUR_GROUP

LEEDS_HOST, BRISTOL_HOST = "leedsfairvote.example", "bristolvoice.example"
DEMO_WORDS = ("Demo Community Group", "Example Street", "localhost")


@pytest.fixture
def two_groups(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, LEEDS_HOST, BRISTOL_HOST]
    leeds = organisation_create(
        name="Leeds Fair Vote", address="3 Briggate\nLeeds\nLS1 6HD", sender_email="hello@leedsfairvote.example",
        host=LEEDS_HOST, bank_account_name="Leeds Fair Vote", bank_sort_code="11-22-33",
        bank_account_number="11223344")
    bristol = organisation_create(
        name="Bristol Voice", legal_name="Bristol Voice Ltd", address="9 Corn Street\nBristol\nBS1 1HT",
        sender_email="hi@bristolvoice.example", host=BRISTOL_HOST, cheque_payee="Bristol Voice Ltd",
        cheque_address="9 Corn Street, Bristol, BS1 1HT")
    return leeds, bristol


LEEDS_IMPRINT = "Promoted by Leeds Fair Vote, 3 Briggate, Leeds, LS1 6HD."
BRISTOL_IMPRINT = "Promoted by Bristol Voice Ltd, 9 Corn Street, Bristol, BS1 1HT."


@pytest.mark.parametrize("path", ["/", "/outreach/join/", "/funding/ledger/", "/compliance/",
                                  "/compliance/?organisation=leeds-fair-vote",
                                  "/compliance/?organisation=bristol-voice"])
def test_each_host_shows_its_own_group_and_never_the_other(client, two_groups, path):
    leeds = client.get(path, HTTP_HOST=LEEDS_HOST).content.decode()
    bristol = client.get(path, HTTP_HOST=BRISTOL_HOST).content.decode()
    assert LEEDS_IMPRINT in leeds and "Bristol" not in leeds
    assert BRISTOL_IMPRINT in bristol and "Leeds" not in bristol
    for page in (leeds, bristol):
        assert not any(word in page for word in DEMO_WORDS)


def test_a_second_visit_from_the_other_host_is_not_served_the_first_hosts_cached_page(client, two_groups, settings):
    settings.SWINGFUND_PAGE_CACHE_SECONDS = 60
    assert client.get("/", HTTP_HOST=LEEDS_HOST)["X-Page-Cache"] == "miss"
    assert client.get("/", HTTP_HOST=LEEDS_HOST)["X-Page-Cache"] == "hit"
    bristol = client.get("/", HTTP_HOST=BRISTOL_HOST)
    assert BRISTOL_IMPRINT in bristol.content.decode() and "Leeds" not in bristol.content.decode()


def test_the_sign_up_page_asks_consent_for_its_own_group(client, two_groups):
    leeds = client.get("/outreach/join/", HTTP_HOST=LEEDS_HOST).content.decode()
    bristol = client.get("/outreach/join/", HTTP_HOST=BRISTOL_HOST).content.decode()
    assert "I agree that Leeds Fair Vote may email me" in leeds
    assert "I agree that Bristol Voice Ltd may email me" in bristol  # the legal name, when the group gave one


def test_a_campaign_page_gives_its_own_groups_bank_or_cheque_details(client, two_groups):
    from swingfund.funding.services import campaign_create

    leeds, bristol = two_groups
    now = timezone.now()
    for org in two_groups:
        campaign_create(organisation=org, slug=f"{org.slug}-fund", title=f"{org.name} fund", description="x",
                        purpose="Grants.", mode="pooled", goal_pence=100_000, starts_at=now - timedelta(days=1),
                        ends_at=now + timedelta(days=5))
    page = client.get(f"/funding/campaigns/{leeds.slug}-fund/", HTTP_HOST=LEEDS_HOST).content.decode()
    assert "sort code 11-22-33" in page and "11223344" in page and "Bristol" not in page
    page = client.get(f"/funding/campaigns/{bristol.slug}-fund/", HTTP_HOST=BRISTOL_HOST).content.decode()
    assert "payable to Bristol Voice Ltd" in page and "11-22-33" not in page


def test_a_host_of_no_group_is_served_the_group_without_a_host(client, two_groups, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "elsewhere.example"]
    organisation_create(name="Hull Together", address="1 Land of Green Ginger\nHull\nHU1 2EA")
    page = client.get("/", HTTP_HOST="elsewhere.example").content.decode()
    assert "Promoted by Hull Together, 1 Land of Green Ginger, Hull, HU1 2EA." in page
    assert "Leeds" not in page and "Bristol" not in page


def test_without_any_group_pages_render_and_say_set_up_your_group(client, db):
    home = client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert escape(SET_UP_YOUR_GROUP) in page and "Promoted by" not in page
    assert not any(word in page for word in DEMO_WORDS[:2])
    assert client.get("/outreach/join/").status_code == 503  # nobody to sign up to


def test_a_group_without_an_address_publishes_nothing_and_says_what_to_add(client, db):
    group = Organisation.objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote")  # as the old admin did
    page = client.get("/").content.decode()
    assert escape(ADDRESS_MISSING.format(name="Leeds Fair Vote")) in page and "Promoted by" not in page
    refused = client.get("/outreach/join/")
    assert refused.status_code == 503 and errors.IMPRINT_ADDRESS_MISSING in refused.content.decode()
    with pytest.raises(OutreachRefusal) as caught:
        compose.render(subject="s", body="Hello {first_name}", language="en", values={}, organisation=group)
    assert str(caught.value) == errors.IMPRINT_ADDRESS_MISSING


def test_the_authenticator_shows_the_users_own_group(two_groups, django_user_model):
    _, bristol = two_groups
    user = django_user_model.objects.create_user("ann", password="pw-ann-long-enough")
    role_grant(user=user, organisation=bristol, role="treasurer")
    url = totp_device_create(user=user).config_url
    assert url.startswith("otpauth://totp/Bristol%20Voice%3Aann?") and "issuer=Bristol%20Voice" in url
    loner = django_user_model.objects.create_user("bo", password="pw-bo-long-enough")
    assert "issuer=Leeds%20Fair%20Vote" in totp_device_create(user=loner).config_url  # no role: the site's first group
