"""The Celery application. Tasks live in each app's tasks.py and are thin wrappers
around service functions, so a management command can run the same work by hand."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

app = Celery("reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log like the web app (LOG_FORMAT, LOG_LEVEL), not in Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
