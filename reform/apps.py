from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "reform"
    verbose_name = "督办台账"
