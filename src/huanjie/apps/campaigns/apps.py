from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "huanjie.apps.campaigns"
    label = "campaigns"
    verbose_name = "换届与选举计划"
