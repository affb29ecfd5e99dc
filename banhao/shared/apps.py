from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "banhao.shared"
    label = "shared"
    verbose_name = "公共"
