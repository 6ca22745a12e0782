import os
import subprocess
import sys


def run(*args):
    env = {**os.environ, "RESETTLE_TESTING": "1"}
    return subprocess.run([sys.executable, "-m", "resettle", *args], capture_output=True, text=True, env=env)


def test_help_lists_our_commands_with_hyphens_and_django_commands():
    out = run("--help")
    assert out.returncode == 0
    for name in ("import-records", "import-applications", "demo-data", "audit", "init-secrets", "migrate",
                 "runserver", "createsuperuser", "shell"):
        assert f"    {name}\n" in out.stdout, name


def test_hyphenated_command_runs_and_its_help_works():
    out = run("help", "import-records")
    assert out.returncode == 0 and "--source" in out.stdout


def test_missing_file_is_a_clear_error(tmp_path):
    out = run("import-records", str(tmp_path / "nope.csv"), "--source", "x")
    assert out.returncode != 0
    assert "nope.csv:0:-: file not found" in out.stderr
