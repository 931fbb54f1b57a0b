from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "huanjie.apps.places"
    verbose_name = "行政区划"
