from django.apps import AppConfig


class PreparationConfig(AppConfig):
    name = "huanjie.apps.preparation"
    label = "preparation"
