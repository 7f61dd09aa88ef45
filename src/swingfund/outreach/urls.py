from django.urls import path

from swingfund.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("join/", views.join, name="join"),
    path("confirm-phone/", views.confirm_phone, name="confirm_phone"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/<str:channel>/", views.unsubscribe, name="unsubscribe"),
    path("pledge/<str:token>/<int:message_id>/", views.pledge, name="pledge"),
    path("share/", views.share, name="share"),
    path("segments/<int:segment_id>/compose/", views.compose, name="compose"),
    path("messages/<int:message_id>/", views.message_detail, name="message"),
    path("supporters/<int:supporter_id>/export.json", views.supporter_export_view, name="export"),
    path("whatsapp/webhook/", views.whatsapp_webhook, name="whatsapp_webhook"),
]
