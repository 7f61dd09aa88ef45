from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "swingfund.scorecards"
    label = "scorecards"
