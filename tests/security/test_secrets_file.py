import stat
import subprocess

from resettle import config


def test_secrets_file_is_private_never_overwritten_and_git_ignored(tmp_path):
    path = tmp_path / "data" / "resettle.env"
    assert config.write_env_file(path) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert config.write_env_file(path) is False and path.read_text() == first  # keys are never replaced
    names = {line.split("=", 1)[0] for line in first.splitlines() if "=" in line}
    assert names == set(config.SECRET_NAMES)
    # The default data folder, where the file lands, is ignored by git: it cannot be committed by accident.
    default = config.REPO_DIR / "data" / "resettle.env"
    in_git = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=config.REPO_DIR,
                            capture_output=True).returncode == 0
    if in_git:
        assert subprocess.run(["git", "check-ignore", "-q", str(default)], cwd=config.REPO_DIR).returncode == 0
    else:  # an unpacked release: the rule must still be there for whoever puts it under git
        assert "/data/" in (config.REPO_DIR / ".gitignore").read_text().split()
