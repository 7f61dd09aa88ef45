from django.urls import path

from swingfund.funding.payments import views

app_name = "payments"
urlpatterns = [
    path("checkout/<slug:campaign_slug>/", views.checkout, name="checkout"),
    path("checkout/<slug:campaign_slug>/thanks/", views.checkout_thanks, name="thanks"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("stripe/events/", views.stripe_events, name="stripe-events"),
]
