"""A real ``lms worker`` process for the tests, that also writes one line per PDF it renders.

Run as ``python render_counting_worker.py <render log> <config JSON>``. The render itself is the
real one; the line (certificate serial and pid) lets a test check that no PDF was rendered twice
across processes.
"""
import json
import os
import signal
import sys


def main() -> None:
    from lms import create_app
    from lms.certificates import pdf_pipeline
    from lms.worker import work_loop

    log_path, config = sys.argv[1], json.loads(sys.argv[2])
    real_render = pdf_pipeline.render_signed_pdf

    def counted_render(*, course, values):
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{values['serial']} {os.getpid()}\n")
        return real_render(course=course, values=values)

    pdf_pipeline.render_signed_pdf = counted_render
    app = create_app(config)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with app.app_context():
        work_loop(float(config.get("WORKER_INTERVAL", 0.2)), 2, lambda: bool(stopping))


if __name__ == "__main__":
    main()
