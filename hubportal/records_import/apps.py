from django.apps import AppConfig


class RecordsImportConfig(AppConfig):
    name = "hubportal.records_import"
    label = "records_import"
    verbose_name = "Import records"
