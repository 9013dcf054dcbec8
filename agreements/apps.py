from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self):
        # Models are loaded only now, so the readers are imported here.
        from agreements.selectors import chair_decisions_on
        from partners.standing import read_chair_decisions_with

        # A partner's standing (partners, below this app) counts the Chair's
        # upheld decisions on its agreements: this app tells it how to read them.
        read_chair_decisions_with(chair_decisions_on)
