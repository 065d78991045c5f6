"""gunicorn settings of one Jiebang node: `gunicorn -c deploy/gunicorn.conf.py jiebang.wsgi`.

Sync workers with threads: the views are short and database-bound; 2 × cores + 1 processes
is gunicorn's advice for CPU-bound work, and the threads cover the waits on PostgreSQL.
Bind address and sizes come from the environment so one file serves every node.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (long-lived processes fragment memory: PDF and Excel work),
# but rarely and not together: a worker boots in ~1 s of CPU (Django, jieba's dictionary), and
# at 2,000 ± 200 requests the hall benchmark saw every worker of a 2-core node restart within
# the same few seconds under ~1,000 req/s (bench/RESULTS.md). A wide jitter spreads them out.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 10000))
accesslog = "-"
errorlog = "-"
# The real client address, for the audit log and the lockout (nginx sets it).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
