from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("targets/", include("swingfund.targeting.urls")),
    path("scorecards/", include("swingfund.scorecards.urls")),
    path("committee/", include("swingfund.committee.urls")),
    path("funding/", include("swingfund.funding.urls")),
    path("payments/", include("swingfund.funding.payments.urls")),
    path("compliance/", include("swingfund.compliance.urls")),
    path("data/", include("swingfund.elections.urls")),
    path("outreach/", include("swingfund.outreach.urls")),
    path("", include("swingfund.public.urls")),
]
