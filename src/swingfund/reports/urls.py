from django.urls import path

from swingfund.reports import views

# The pages keep their address and names (/compliance/, compliance:index): what the group sees is its position
# against the law, built here, above money, from the ledger.
app_name = "compliance"
urlpatterns = [
    path("", views.compliance_index, name="index"),
    path("reports/<str:kind>.csv", views.report_csv, name="report"),
]
