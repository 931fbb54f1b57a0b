from django.urls import path

from huanjie.apps.candidates import views

app_name = "candidates"
urlpatterns = [
    path("", views.index, name="index"),
]
