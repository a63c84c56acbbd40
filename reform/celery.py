"""The Celery application. Tasks live in each app's tasks.py and are thin wrappers
around service functions, so a management command can run the same work by hand."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

app = Celery("reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
