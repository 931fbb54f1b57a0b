from django.urls import path

from huanjie.apps.polling import views

app_name = "polling"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff, name="staff"),
    path("rounds/<int:number>/", views.round_page, name="round"),
    path("rounds/<int:number>/action", views.round_action, name="round_action"),
    path("rounds/<int:number>/boxes/<int:pk>", views.box_action, name="box_action"),
    path("rounds/<int:number>/checkin", views.checkin, name="checkin"),
    path("rounds/<int:number>/search.json", views.search_json, name="search"),
    path("rounds/<int:number>/turnout", views.turnout, name="turnout"),
]
