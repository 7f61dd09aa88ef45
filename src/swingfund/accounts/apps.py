from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "swingfund.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"
