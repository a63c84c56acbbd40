"""A task whose worker dies comes back within minutes, not an hour: late acknowledgement, one
message at a time, and a Redis visibility timeout of CELERY_VISIBILITY_TIMEOUT seconds."""

import json

from .test_settings import run_django

CONFIG = (
    "from reform.celery import app; c = app.conf; import json;"
    "print(json.dumps([c.task_acks_late, c.task_reject_on_worker_lost, c.worker_prefetch_multiplier,"
    " c.broker_transport_options.get('visibility_timeout')]))"
)


def celery_config(**env):
    result = run_django({"REDIS_URL": "redis://127.0.0.1:6379/13", **env}, "shell", "-c", CONFIG)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_killed_workers_task_is_redelivered_after_five_minutes_by_default():
    env = {"CELERY_VISIBILITY_TIMEOUT": ""}
    assert celery_config(**env) == [True, True, 1, 300]


def test_the_visibility_timeout_comes_from_the_environment():
    assert celery_config(CELERY_VISIBILITY_TIMEOUT="900")[3] == 900


def test_a_visibility_timeout_that_is_not_a_positive_number_is_refused():
    result = run_django({"REDIS_URL": "redis://127.0.0.1:6379/13", "CELERY_VISIBILITY_TIMEOUT": "0"}, "check")
    assert result.returncode != 0 and "CELERY_VISIBILITY_TIMEOUT" in result.stderr
