from django.apps import AppConfig


class EoiConfig(AppConfig):
    name = "eoi"
    verbose_name = "Commissioning"
