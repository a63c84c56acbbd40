"""`make prod-check`: the production topology on loopback, walked and soaked.

topology.py starts it (PostgreSQL database, Redis, nginx with TLS, gunicorn, Celery workers
and beats, all from the files `render_deploy` writes); client.py speaks HTTPS through nginx as
a browser would; walk.py logs in as every demo role, follows every link and submits the main
forms; soak.py keeps 16 connections busy and measures. __main__.py runs them and prints PASS
or FAIL.
"""
