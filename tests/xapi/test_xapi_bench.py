"""bench/xapi_statements.py runs end to end in its quick mode (tiny sizes, SQLite), so CI keeps it working."""
import importlib.util
from pathlib import Path

from lms.testing import PROJECT_ROOT


def test_the_benchmark_quick_mode_runs():
    path = Path(PROJECT_ROOT) / "bench" / "xapi_statements.py"
    spec = importlib.util.spec_from_file_location("xapi_statements_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--quick"])
    assert result["posts"] == 20 and result["lrs_statements_per_second"] > 0
    assert result["baseline_posts_per_second"] > 0
    assert result["query_found"] == 1  # learner 1234's one statement about activity 234 among 2,000
