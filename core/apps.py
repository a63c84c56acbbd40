from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共组件"

    def ready(self):
        from auditlog.registry import auditlog
        from celery.signals import task_prerun
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save

        from . import workdays
        from .models import HolidayYear

        # Each request and each task reads the holiday calendar afresh (one query), so an edit
        # in the admin reaches every process; a save also drops this thread's copy at once.
        request_started.connect(workdays.forget, dispatch_uid="core.workdays.request")
        task_prerun.connect(workdays.forget, dispatch_uid="core.workdays.task", weak=False)
        post_save.connect(workdays.forget, sender=HolidayYear, dispatch_uid="core.workdays.save")
        post_delete.connect(workdays.forget, sender=HolidayYear, dispatch_uid="core.workdays.delete")
        auditlog.register(HolidayYear)
