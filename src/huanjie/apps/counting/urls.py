from django.urls import path

from huanjie.apps.counting import views

app_name = "counting"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:number>/", views.round_page, name="round"),
    path("rounds/<int:number>/boxes/<int:box_id>/", views.box_page, name="box"),
    path(
        "rounds/<int:number>/boxes/<int:box_id>/passes/<int:pass_no>/",
        views.pass_page,
        name="pass",
    ),
    path("rounds/<int:number>/screen/", views.screen, name="screen"),
    path("rounds/<int:number>/screen.json", views.screen_json, name="screen_json"),
    path("screen/<str:token>/", views.public_screen, name="public_screen"),
    path("screen/<str:token>/data", views.public_screen_json, name="public_screen_json"),
]
