from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "huanjie.apps.candidates"
    label = "candidates"
