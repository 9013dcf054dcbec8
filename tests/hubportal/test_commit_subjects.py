"""CI refuses a commit whose subject is over 72 characters or runs on to a
second line (.ci/commit-subjects, run by .ci/run); commits before the rule
keep theirs."""

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "commit-subjects"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def commit(repo, message):
    git(repo, "commit", "--allow-empty", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    before = commit(tmp_path, "An old subject from before the rule, " + "far too long " * 10)
    return tmp_path, before


def check(repo, since):
    env = {"PATH": "/usr/bin:/bin", "COMMIT_SUBJECTS_SINCE": since}
    return subprocess.run([str(SCRIPT), str(repo)], env=env, capture_output=True, text=True)


def test_short_subjects_after_the_rule_pass_and_older_ones_are_left_alone(repo):
    path, before = repo
    commit(path, "Sweep sample built once per module\n\nThe why, at any length " + "and more " * 20)
    commit(path, "£" * 72)  # 72 characters, though more bytes
    result = check(path, before)
    assert result.returncode == 0, result.stdout


def test_a_subject_over_72_characters_fails(repo):
    path, before = repo
    long = commit(path, "x" * 73)
    result = check(path, before)
    assert result.returncode == 1
    assert f"{long[:9]}: subject is 73 characters (at most 72)" in result.stdout


def test_a_subject_that_runs_on_to_a_second_line_fails(repo):
    path, before = repo
    commit(path, "A short first line\nthat carries on without a blank line")
    result = check(path, before)
    assert result.returncode == 1
    assert "runs on to a second line" in result.stdout
