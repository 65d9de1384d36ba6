"""gunicorn settings of the reference deployment (docs/deployment.md).

    gunicorn -c docs/deploy/gunicorn.conf.py -b 127.0.0.1:8000 wsgi:app

Four gthread workers of eight threads (the set-up docs/performance.md measures on 2 cores).
With LMS_METRICS_MULTIPROC_DIR set, every worker writes its metrics to files in that directory
and a scrape of /metrics sums them: the directory is emptied when the server starts and a dead
worker's live gauges are dropped (prometheus-client's multiprocess mode). The access log carries
the request id the portal sent back, so it can be matched with the portal's own log lines.
"""
import os
import shutil

workers = 4
worker_class = "gthread"
threads = 8
timeout = 60
graceful_timeout = 30
# nginx on the same machine sets X-Forwarded-*; the portal trusts them with LMS_TRUSTED_PROXIES=1.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def _metrics_dir():
    return os.environ.get("LMS_METRICS_MULTIPROC_DIR") or os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    """Start from empty metric files: values of a previous run's processes would be summed in."""
    path = _metrics_dir()
    if path:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    path = _metrics_dir()
    if path:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, path)
