"""gunicorn for 督办台账. A template: `python manage.py render_deploy` fills the @…@ values.

Tuned from the environment (the units' EnvironmentFile, see reform.env.example):
GUNICORN_BIND (address:port, comma-separated for several), WEB_CONCURRENCY (worker processes),
GUNICORN_TIMEOUT (seconds before a stuck worker is replaced), GUNICORN_FORWARDED_ALLOW_IPS
(proxies trusted for X-Forwarded-Proto: the nginx in front), LOG_FORMAT and LOG_LEVEL (as the app).
"""

import os
import sys

chdir = "@APP_DIR@"
sys.path.insert(0, chdir)  # the log configuration below is the project's (core.logs)

from core.logs import logging_config  # noqa: E402  (importable only once chdir is on the path)

wsgi_app = "reform.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "@GUNICORN_BIND@").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = timeout
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# A worker is replaced after this many requests, so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# systemd signals the master (reload: HUP); no control socket in a home the service user may lack.
control_socket_disable = True

# Access lines carry the request id the app put on the response (nginx's, or the app's own).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
_format = os.environ.get("LOG_FORMAT", "json")
_level = os.environ.get("LOG_LEVEL", "INFO").upper()
_console = {"handlers": ["console"], "propagate": False}
logconfig_dict = logging_config(
    _format,
    _level,
    {"gunicorn.error": {"level": _level, **_console}, "gunicorn.access": {"level": "INFO", **_console}},
)
