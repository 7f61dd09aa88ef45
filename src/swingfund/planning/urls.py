from django.urls import path

from swingfund.planning import views

app_name = "planning"
urlpatterns = [path("", views.plan_page, name="plan")]
