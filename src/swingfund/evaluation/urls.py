from django.urls import path

from swingfund.evaluation import views

app_name = "evaluation"
urlpatterns = [path("", views.track_record_page, name="track-record")]
