from django.urls import path

from swingfund.committee import propose, views

app_name = "committee"
urlpatterns = [
    path("", views.proposal_list, name="proposals"),
    path("proposals/new/", propose.proposal_new, name="proposal-new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/vote/", views.vote, name="vote"),
    path("proposals/<int:pk>/interest/", views.interest, name="interest"),
    path("proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("proposals/<int:pk>/close/", views.close, name="close"),
    path("decisions/", views.decisions, name="decisions"),
    path("changes/", views.recent_changes, name="changes"),
]
