from django.urls import path

from swingfund.public import views, workspace

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("postcode/", views.postcode, name="postcode"),
    path("seats/<str:gss_code>/", views.seat, name="seat"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("workspace/", workspace.workspace, name="workspace"),
]
