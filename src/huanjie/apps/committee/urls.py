from django.urls import path

from huanjie.apps.committee import views

app_name = "committee"
urlpatterns = [
    path("", views.index, name="index"),
]
