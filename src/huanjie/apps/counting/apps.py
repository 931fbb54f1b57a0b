from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "huanjie.apps.counting"
    label = "counting"
    verbose_name = "计票"
