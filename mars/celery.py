import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mars.settings")

app = Celery("mars")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_start_on_errors(**kwargs: object) -> None:
    """A worker sends mail too: it stops on the settings the web server would refuse."""
    from mars.checks import refuse_to_start_on_errors

    refuse_to_start_on_errors()
