# gunicorn settings for the web container. Loaded by path (--config), never imported:
# this folder is not a Python package (see tests/test_platform.py).
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# ASGI: pages and the interview room's WebSockets from the same workers (config.asgi).
worker_class = "uvicorn_worker.UvicornWorker"
# Each worker takes its database connections from a pool of this many (config/settings.py).
os.environ.setdefault("DB_POOL_SIZE", "4")
timeout = 30
# Idle keep-alive connections are kept this long (uvicorn's workers take it as theirs). gunicorn's
# default, 2 s, is shorter than a person's pause between clicks and than a proxy's idle timeout
# (nginx, load balancers: 60 s): the server then closes connections that clients are about to reuse,
# and a request sent as it closes is reset. The load test met one such reset at 8 users.
keepalive = 75
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
