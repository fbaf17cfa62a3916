from django.apps import AppConfig


class EducationConfig(AppConfig):
    """Public education: the prevention module as free online lessons with self-check quizzes."""

    name = "jaga.education"
    label = "education"
    verbose_name = "Education"
