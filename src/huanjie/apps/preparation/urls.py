from django.urls import path

from huanjie.apps.preparation import views

app_name = "preparation"
urlpatterns = [
    path("", views.index, name="index"),
]
