"""The bulk import benchmark (bench/user_import.py) in quick mode: it runs, and a second import changes nothing."""
import importlib.util

from lms.testing import PROJECT_ROOT


def test_user_import_benchmark_quick_mode(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_user_import", PROJECT_ROOT / "bench" / "user_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run(300, instance_path=str(tmp_path))
    assert figures["counts"] == {"created": 300, "updated": 0, "unchanged": 0}
    assert figures["second_counts"] == {"created": 0, "updated": 0, "unchanged": 300}
    print(f"user import of 300 rows: preview {figures['preview_s']:.2f} s, apply {figures['apply_s']:.2f} s")
