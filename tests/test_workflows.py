"""The test workflow (.github/workflows/tests.yml) and .ci/run run the commands the README and the Makefile
name, with the Makefile's pinned install, on the events they promise."""
import re
import subprocess
from pathlib import Path

import yaml
from test_publish import makefile_torch_pin

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


def readme_test_command():
    """The command on the README quick start's line `make test    # run the whole test suite ...`."""
    quick_start = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    for line in quick_start.splitlines():
        command, _, comment = line.partition("#")
        if "whole test suite" in comment:
            return command.strip()
    raise AssertionError("the README's quick start names no command that runs the whole test suite")


def workflow():
    text = WORKFLOW.read_text()
    data = yaml.safe_load(text)
    return text, data, data.get("on", data.get(True))        # YAML 1.1 reads the key `on` as True


def runs(data, job):
    return [step["run"].strip() for step in data["jobs"][job]["steps"] if "run" in step]


def test_fast_tier_on_every_push_and_pull_request_everything_nightly_and_on_tags():
    _, data, events = workflow()
    assert set(events) >= {"push", "pull_request", "schedule"}
    assert events["push"]["branches"] == ["**"] and events["push"]["tags"] == ["**"]
    assert events["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]           # every day
    assert runs(data, "fast") == ["make check"]
    assert runs(data, "full") == [readme_test_command()] == ["make test"]
    fast, full = data["jobs"]["fast"]["if"], data["jobs"]["full"]["if"]
    assert "pull_request" in fast and "refs/heads/" in fast and "schedule" not in fast
    assert "schedule" in full and "refs/tags/" in full and "pull_request" not in full


def test_workflow_installs_nothing_itself_and_names_the_makefiles_torch_pin():
    text, data, _ = workflow()
    pin = makefile_torch_pin()
    every_run = " ".join(runs(data, "fast") + runs(data, "full"))
    assert "pip" not in every_run and "uv " not in every_run and "conda" not in every_run, every_run
    assert set(re.findall(r"torch==([\w.+]+)", text)) == {pin}


def test_makefile_check_is_the_fast_tier_and_test_checks_for_chromium_first():
    makefile = (ROOT / "Makefile").read_text()
    check = re.search(r"^check: install\n\t(.+)$", makefile, re.M)
    assert check and '-m "not slow"' in check.group(1), makefile
    assert re.search(r"^test: chromium install$", makefile, re.M), "make test must look for Chromium before installing"


def test_make_test_stops_at_once_naming_chromium_when_it_cannot_install_it(tmp_path):
    """No chromium on PATH, no apt-get: `make chromium` exits at once with one line naming what to install."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "id"):
        (bin_dir / tool).symlink_to(subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True,
                                                   text=True, check=True).stdout.strip())
    make = subprocess.run(["sh", "-c", "command -v make"], capture_output=True, text=True).stdout.strip()
    proc = subprocess.run([make, "-s", "chromium"], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": str(bin_dir)}, timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert "install the package 'chromium'" in lines[0], proc.stderr
    assert not [line for line in lines[1:] if "Error" not in line], proc.stderr            # one line, then make's own


def test_ci_run_calls_the_readme_test_command_and_fails_loudly():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script and "FAILED" in script
    found = subprocess.run(["sed", "-n", r"s/^\(make test\)[[:space:]]*#.*$/\1/p", str(ROOT / "README.md")],
                           capture_output=True, text=True, check=True).stdout.split("\n")[0]
    assert found == readme_test_command()
    assert "sed -n 's/^\\(make test\\)[[:space:]]*#.*$/\\1/p' README.md" in script
