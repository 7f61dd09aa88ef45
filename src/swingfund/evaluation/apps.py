from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "swingfund.evaluation"
    label = "evaluation"
