from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _figures_ensure(sender, app_config=None, using="default", apps=None, **kwargs) -> None:
    """Reference data, like the permissions Django creates after `migrate`: add any LAW.md figure missing from
    the table (a `flush` — e.g. after a transactional test — empties it). Rows an administrator edited are kept;
    to retire a figure, give it an end date rather than deleting it."""
    from swingfund.compliance.seed import seed_rows

    if apps is None:  # `flush` sends the signal without a migration state: use the live registry
        from django.apps import apps
    try:
        model = apps.get_model("compliance", "LegalFigure")
    except LookupError:  # migrating backwards past the table
        return
    seed_rows(model, using=using)


class ComplianceConfig(AppConfig):
    name = "swingfund.compliance"
    label = "compliance"

    def ready(self) -> None:
        post_migrate.connect(_figures_ensure, sender=self, dispatch_uid="compliance_figures_ensure")
