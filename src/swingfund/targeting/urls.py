from django.urls import path

from swingfund.targeting import views

app_name = "targeting"
urlpatterns = [
    path("", views.targets_page, name="targets"),
    path("method/", views.method_page, name="method"),
]
