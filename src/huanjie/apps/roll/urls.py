from django.urls import path

from huanjie.apps.roll import views

app_name = "roll"
urlpatterns = [
    path("", views.index, name="index"),
]
