from django.contrib import admin
from django.urls import include, path

from swingfund.api.pages import tokens as api_tokens

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("swingfund.accounts.urls")),
    path("group/", include("swingfund.accounts.group_urls")),
    path("group/", include("swingfund.committee.team_urls")),
    path("targets/", include("swingfund.targeting.urls")),
    path("scorecards/", include("swingfund.scorecards.urls")),
    path("committee/", include("swingfund.committee.urls")),
    path("funding/", include("swingfund.funding.urls")),
    path("payments/", include("swingfund.funding.payments.urls")),
    path("compliance/", include("swingfund.reports.urls")),
    path("data/", include("swingfund.elections.urls")),
    path("planning/", include("swingfund.planning.urls")),
    path("track-record/", include("swingfund.evaluation.urls")),
    path("api/", include("swingfund.api.urls")),
    path("workspace/tokens/", api_tokens, name="api-tokens"),
    path("outreach/", include("swingfund.outreach.urls")),
    path("", include("swingfund.public.urls")),
]

handler404 = "swingfund.public.views.not_found"
handler500 = "swingfund.public.views.server_error"
