from django.urls import URLPattern

app_name = "polling"
urlpatterns: list[URLPattern] = []
