from django.urls import path

from swingfund.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
