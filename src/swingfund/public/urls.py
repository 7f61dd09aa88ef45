from django.urls import path

from swingfund.public import downloads, ledger, privacy, views, workspace
from swingfund.scorecards import survey_views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("postcode/", views.postcode, name="postcode"),
    path("privacy/", privacy.privacy_notice, name="privacy"),
    path("seats/<str:gss_code>/", views.seat, name="seat"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("funding/ledger/", ledger.ledger_page, name="ledger"),
    path("funding/ledger.json", ledger.ledger_json, name="ledger-json"),
    path("funding/ledger.csv", ledger.ledger_csv, name="ledger-csv"),
    path("downloads/targets.<str:fmt>", downloads.targets, name="targets-download"),
    path("downloads/recommendations.<str:fmt>", downloads.recommendations, name="recommendations-download"),
    path("downloads/decisions.<str:fmt>", downloads.decisions, name="decisions-download"),
    path("downloads/scorecards.<str:fmt>", downloads.scorecards, name="scorecards-download"),
    path("workspace/", workspace.workspace, name="workspace"),
    path("workspace/survey/", survey_views.survey_dashboard, name="workspace-survey"),
]
