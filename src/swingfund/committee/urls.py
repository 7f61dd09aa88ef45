from django.urls import path

import swingfund.urlconverters  # noqa: F401  (registers <id:…>)
from swingfund.committee import propose, views

app_name = "committee"
urlpatterns = [
    path("", views.proposal_list, name="proposals"),
    path("proposals/new/", propose.proposal_new, name="proposal-new"),
    path("proposals/<id:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<id:pk>/vote/", views.vote, name="vote"),
    path("proposals/<id:pk>/interest/", views.interest, name="interest"),
    path("proposals/<id:pk>/edit/", views.edit, name="edit"),
    path("proposals/<id:pk>/close/", views.close, name="close"),
    path("proposals/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("decisions/", views.decisions, name="decisions"),
    path("changes/", views.recent_changes, name="changes"),
]
