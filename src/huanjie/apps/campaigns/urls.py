from django.urls import path

from huanjie.apps.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/<int:campaign_id>/", views.overview, name="overview"),
    path("elections/<int:election_id>/", views.election_detail, name="election"),
    path("elections/<int:election_id>/day", views.election_set_day, name="set_day"),
    path(
        "elections/<int:election_id>/stages/<str:stage>/<str:action>",
        views.stage_change,
        name="stage",
    ),
]
