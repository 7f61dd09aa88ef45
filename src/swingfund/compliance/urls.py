from django.urls import path

from swingfund.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.compliance_index, name="index"),
    path("reports/<str:kind>.csv", views.report_csv, name="report"),
]
