from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "swingfund.outreach"
    label = "outreach"
    verbose_name = "Supporters and outreach"

    def ready(self) -> None:
        """Hand targeting the count of consenting supporters per seat (aggregate counts only): the bloc of a group
        that counts its own supporters (`targeting/supporters.py`)."""
        from swingfund.outreach.selectors import supporters_per_seat
        from swingfund.targeting.supporters import supporter_counter_register

        supporter_counter_register(lambda organisation_id: supporters_per_seat(organisation_id=organisation_id))
