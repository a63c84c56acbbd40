"""Helpers for tests that run the project the way production does: in a separate process,
with DJANGO_ENV=production and only the environment a server would have."""

import os
import subprocess
import sys

from ..conftest import ROOT

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 50 + "-a-long-and-random-production-secret",
    "ALLOWED_HOSTS": "ledger.example.gov.cn,testserver",
}


def production_env(**overrides) -> dict:
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PRODUCTION)
    env.update(overrides)
    return env


def run_python(env, *args, timeout=180):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
