from django.urls import path

from huanjie.apps.proxies import views

app_name = "proxies"
urlpatterns = [
    path("", views.index, name="index"),
]
