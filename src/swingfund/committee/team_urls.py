from django.urls import path

from swingfund.committee import team

app_name = "team"
urlpatterns = [
    path("roles/", team.roles_page, name="roles"),
    path("invitation/<str:token>/", team.invitation_accept, name="invitation"),
]
