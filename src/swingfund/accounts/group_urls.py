from django.urls import path

from swingfund.accounts import group

app_name = "group"
urlpatterns = [
    path("settings/", group.settings_page, name="settings"),
]
