"""The publishing workflow (.github/workflows/pages.yml) builds the book exactly as the README says, with
the Makefile's pinned install, and publishes the folder the build writes, so the two cannot drift."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def readme_build_command():
    """(command, output folder) from the README's quick start: `make book    # build ... into _build/html ...`."""
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    for line in quick_start.splitlines():
        command, _, comment = line.partition("#")
        if "build the HTML book" in comment:
            return command.strip(), re.search(r"into (\S+)", comment).group(1)
    raise AssertionError("the README's quick start names no command that builds the HTML book")


def makefile_torch_pin():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^book: install\b", makefile, re.M), "`make book` must install first"
    pins = set(re.findall(r"pip install[^\n]*?\btorch==([\w.+]+)", makefile))
    assert len(pins) == 1, pins
    return pins.pop()


def steps(job):
    return yaml.safe_load(WORKFLOW.read_text())["jobs"][job]["steps"]


def test_workflow_runs_the_readme_build_command():
    command, _ = readme_build_command()
    assert command == "make book"
    runs = [s["run"].strip() for s in steps("build") if "run" in s]
    assert command in runs, runs


def test_workflow_installs_nothing_itself_so_the_torch_pin_is_the_makefiles():
    pin = makefile_torch_pin()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"torch=={pin}"' in pyproject
    text = WORKFLOW.read_text()
    runs = " ".join(s["run"] for s in steps("build") if "run" in s)
    assert "pip" not in runs and "uv " not in runs and "conda" not in runs, runs
    assert set(re.findall(r"torch==([\w.+]+)", text)) <= {pin}
    assert f"torch=={pin}" in text          # what the workflow's log says it installs is what it installs


def test_workflow_publishes_what_the_build_writes():
    _, html = readme_build_command()
    assert html == "_build/html"
    upload = [s for s in steps("build") if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"] == html
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps("deploy"))
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    # the build job's Python satisfies the project's requirement
    setup = [s for s in steps("build") if s.get("uses", "").startswith("actions/setup-python@")]
    major, minor = map(int, setup[0]["with"]["python-version"].split("."))
    required = re.search(r'requires-python = ">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert (major, minor) >= tuple(map(int, required.groups()))


def student_install_cells():
    """The `%pip install` lines of the README's and the preface's student install."""
    found = {}
    for doc in ("README.md", "book/index.md"):
        found[doc] = [line for line in (ROOT / doc).read_text().splitlines() if line.startswith("%pip install")]
    return found


def test_student_install_names_this_version_and_the_torch_pin():
    import rnncourse

    pin, version = makefile_torch_pin(), rnncourse.__version__
    for doc, lines in student_install_cells().items():
        assert len(lines) == 1, f"{doc}: expected one JupyterHub/Colab install cell, found {lines}"
        assert f'"torch=={pin}"' in lines[0], f"{doc}: {lines[0]}"
        # the file `python -m build` writes (tests/test_package.py checks that name), from the release of this version
        assert f"/v{version}/rnncourse-{version}-py3-none-any.whl" in lines[0], f"{doc}: {lines[0]}"
