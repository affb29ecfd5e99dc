from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "banhao.documents"
    label = "documents"
    verbose_name = "文书"
