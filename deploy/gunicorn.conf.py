"""gunicorn settings for one app node: `gunicorn -c deploy/gunicorn.conf.py kmodquiz.wsgi`.

Sync workers behind a buffering proxy (nginx): the proxy absorbs slow clients, so a worker is
busy only while Django works. Command-line options and GUNICORN_CMD_ARGS override these.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY is the usual knob; by default two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that takes longer is killed (its transaction rolls back); long work goes to tasks.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, staggered, so that slow leaks never add up.
max_requests = 5000
max_requests_jitter = 500
# GUNICORN_ACCESS_LOG="" turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# The proxy's address: gunicorn believes X-Forwarded-Proto/-For only from it (Django reads
# the scheme through SECURE_PROXY_SSL_HEADER in production).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No request-line limit here: nginx in front limits it (large_client_header_buffers 4 32k in
# deploy/nginx.conf) and answers 414 itself. gunicorn's largest limit, 8190 bytes, is shorter
# than a valid `study/next?topics=` list (docs/deployment.md, "Errors the front server answers").
limit_request_line = 0
