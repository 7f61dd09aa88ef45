from django.urls import path

import swingfund.urlconverters  # noqa: F401  (registers <id:…>)

from . import statement_pages, survey_views, views

app_name = "scorecards"
urlpatterns = [
    path("", views.index, name="index"),
    path("person/<id:person_id>/", views.scorecard, name="scorecard"),
    path("seat/<str:election_id>/<str:gss_code>/", views.seat, name="seat"),
    path("recommendations/", views.recommendations_page, name="recommendations"),
    path("answer/<str:token>/", survey_views.survey_answer_page, name="survey-answer"),
    path("statements/", statement_pages.statements_page, name="statements"),
    path("pledges-template.csv", statement_pages.pledges_template, name="pledges-template"),
    path("pledges-sample.csv", statement_pages.pledges_sample, name="pledges-sample"),
]
