from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "jaga.synth"
    label = "synth"
    verbose_name = "Synthetic demo data"
