from django.urls import URLPattern

app_name = "aftermath"
urlpatterns: list[URLPattern] = []
