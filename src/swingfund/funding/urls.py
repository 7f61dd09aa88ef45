from django.urls import path

import swingfund.urlconverters  # noqa: F401  (registers <id:…>)
from swingfund.funding import campaign_pages, grant_pages, views

# The ledger's page and JSON are the public app's (`public:ledger`, `public:ledger-json`): they add the spending
# record's supplier and purpose, which live above money.
app_name = "funding"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("ledger/checkpoints.json", views.ledger_checkpoints, name="ledger-checkpoints"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/gift/", views.gift_new, name="gift-new"),
    path("dashboard/campaign/", campaign_pages.campaign_new, name="campaign-new"),
    path("dashboard/campaign/<slug:slug>/close/", campaign_pages.campaign_close, name="campaign-close"),
    path("dashboard/grants/", grant_pages.grants_from_decisions, name="grants-from-decisions"),
    path("dashboard/gifts/<id:pk>/return/", views.held_return, name="held-return"),
    path("dashboard/gifts/<id:pk>/check/", views.held_check, name="held-check"),
    path("grants/<id:pk>/pay/", views.grant_pay, name="grant-pay"),
    path("grants/<id:pk>/answer/", views.grant_answer, name="grant-answer"),
    path("grants/<id:pk>/offer/", views.grant_offer, name="grant-offer"),
    path("grants/<id:pk>/notice/", views.grant_notice, name="grant-notice"),
    path("grants/<id:pk>/notice.pdf", views.grant_notice_pdf, name="grant-notice-pdf"),
]
