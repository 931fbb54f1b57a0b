from django.urls import URLPattern

app_name = "counting"
urlpatterns: list[URLPattern] = []
