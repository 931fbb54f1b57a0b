from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "huanjie.apps.results"
    label = "results"
    verbose_name = "选举结果"
