"""A student with only the package: the wheel, installed into a fresh virtual environment, works the
exercises from a directory outside this repository, offline.

The sdist and wheel are built once per module (``python -m build --no-isolation`` from a copy of the
sources, so nothing is fetched). The student's environment is a new ``python -m venv --without-pip`` (no
system site-packages, nothing installed) into which pip installs the wheel with ``--no-index``. Its third-party dependencies
are not downloaded either: the environment sees exactly the distributions that the wheel's own
``Requires-Dist`` needs (computed from the wheel's metadata, transitively) through a directory of links
to those distributions in the test's environment, where torch==2.13.0 is already installed. No
rnncourse file, no editable-install hook and no path of this repository is in that directory, so
``rnncourse`` can only come from the wheel; a probe cell in each notebook proves where it came from.
The one download: the JupyterLab tests install ``jupyterlab`` (the student extra's Jupyter) from the
package index, then run Jupyter with no network at all.

The notebooks are copied from exercises/; tests/test_site.py checks that the book's download links serve
exactly these files.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_book import chapter_files
from test_publish import makefile_torch_pin

import rnncourse

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
# Blank exercises run from the wheel for a sample only. Every assignment's spec, data and self-checks are
# exercised from the wheel by its solution (test_check_gives_the_same_verdicts_outside_the_repository runs all
# ten); a blank adds "stops at the first blank the same way", which depends on nothing per assignment. The
# sample spans the three kinds of data the exercises load (none, text, generated images). Every blank runs
# in the repository in tests/test_exercises.py.
SAMPLE_EXERCISES = [ROOT / "exercises" / n for n in ("rnn-bptt.ipynb", "char-lm.ipynb", "captioning.ipynb")]
SOURCES_NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "_build", "*.egg-info", "__pycache__", ".pytest_cache",
                                            ".hypothesis", "dist", "build", "node_modules", "grading-out")

pytestmark = pytest.mark.slow


def _run(cmd, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=900, **kwargs)
    return proc


def _ok(proc):
    assert proc.returncode == 0, f"{proc.args} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel built offline from a copy of the sources: {'sdist': path, 'wheel': path}."""
    src = tmp_path_factory.mktemp("src") / "rnncourse"
    shutil.copytree(ROOT, src, ignore=SOURCES_NOT_COPIED)
    out = tmp_path_factory.mktemp("dist")
    _ok(_run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, src],
             env={**os.environ, "PIP_NO_INDEX": "1"}))
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


def test_build_makes_an_sdist_and_a_wheel_of_this_version(dist):
    version = rnncourse.__version__
    assert dist["wheel"].name == f"rnncourse-{version}-py3-none-any.whl"
    assert dist["sdist"].name == f"rnncourse-{version}.tar.gz"


def test_wheel_carries_the_whole_library_and_nothing_else(dist):
    names = zipfile.ZipFile(dist["wheel"]).namelist()
    info = f"rnncourse-{rnncourse.__version__}.dist-info/"
    outside = [n for n in names if not (n.startswith("rnncourse/") or n.startswith(info))]
    assert not outside, f"files outside the package: {outside}"
    # every module of the library (the grader, the assignments' public tests, the self-checks) is shipped ...
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "rnncourse").rglob("*.py") if "__pycache__" not in p.parts}
    shipped = {n for n in names if n.endswith(".py")}
    assert package == shipped, f"missing: {sorted(package - shipped)}; unexpected: {sorted(shipped - package)}"
    for module in ("rnncourse/grading/selfcheck.py", "rnncourse/cli.py", "rnncourse/grading/assignments/rnn_bptt.py"):
        assert module in names
    # ... and the shipped weights with their manifests (the book's pages load them; nothing is downloaded)
    weights = {p.relative_to(ROOT).as_posix() for p in (ROOT / "rnncourse" / "pretrained").iterdir()
               if p.suffix in (".npz", ".json")}
    assert weights and weights <= set(names), f"weights missing from the wheel: {sorted(weights - set(names))}"
    # ... and nothing an instructor keeps to themselves: no notebooks (solutions/), no solution blocks
    assert not [n for n in names if n.endswith(".ipynb") or "solutions" in n.split("/")[:-1]]
    marker = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$", re.M)
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        leaked = [n for n in names if marker.search(wheel.read(n).decode("utf-8", "replace"))]
    assert not leaked, f"solution blocks in {leaked}"


def test_sdist_holds_no_notebooks_and_no_solutions(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = sdist.getnames()
    assert any(n.endswith("rnncourse/grading/selfcheck.py") for n in names)
    assert not [n for n in names if n.endswith(".ipynb") or "/solutions" in n or "/exercises" in n], names


def _dependency_closure(requires):
    """Distributions (installed here) needed by the requirement strings ``requires``, transitively."""
    seen, todo = {}, list(requires)
    while todo:
        req = Requirement(todo.pop())
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        dist = metadata.distribution(req.name)
        assert dist.version in req.specifier, f"{req} is needed but {dist.version} is installed here"
        seen[name] = dist
        for sub in dist.requires or []:
            sub_req = Requirement(sub)
            if sub_req.marker is None or sub_req.marker.evaluate({"extra": ""}):
                todo.append(sub)
    return seen


def _wheel_venv(base: Path, wheel: Path, extra: str | None = None, leave_out=()) -> dict:
    """A fresh venv under ``base`` with ``wheel`` (pip --no-index) and its dependencies (with ``extra``'s,
    less the distributions named in ``leave_out``), linked from this environment; a work folder beside it."""
    assert not base.resolve().is_relative_to(ROOT)
    venv, deps, work, home = base / "venv", base / "deps", base / "work", base / "home"
    for d in (deps, work, home):
        d.mkdir()
    # No pip, no setuptools: the environment holds only what the wheel brings (pip runs from outside).
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", venv]))
    python = venv / "bin" / "python"
    site_packages = Path(_ok(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])).stdout.strip())

    # The wheel's declared dependencies, linked from this environment (where the pinned torch is installed).
    with zipfile.ZipFile(wheel) as zf:
        wheel_meta = zf.read(f"rnncourse-{rnncourse.__version__}.dist-info/METADATA").decode()
    requires = [line.split(":", 1)[1].strip() for line in wheel_meta.splitlines() if line.startswith("Requires-Dist:")]
    assert f"torch=={makefile_torch_pin()}" in [r.replace(" ", "") for r in requires], requires
    if extra:
        extras = [r for r in map(Requirement, requires) if r.marker is not None and r.marker.evaluate({"extra": extra})
                  and not r.marker.evaluate({"extra": ""})]
        assert extras, f"the wheel has no extra {extra!r}"
        requires += [f"{r.name}{r.specifier}" for r in extras if canonicalize_name(r.name) not in leave_out]
    closure = _dependency_closure(requires)
    assert "rnncourse" not in closure
    for dist_ in closure.values():
        for entry in {Path(f).parts[0] for f in dist_.files or []} - {"..", "__pycache__"}:
            assert not entry.lower().startswith(("rnncourse", "__editable__")), entry
            target = Path(dist_.locate_file(entry))
            if target.exists() and not (deps / entry).exists():
                (deps / entry).symlink_to(target)
    (site_packages / "rnncourse_test_dependencies.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")

    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "OMP_NUM_THREADS": "1"}
    install = _ok(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index",
                        "--find-links", wheel.parent, f"rnncourse=={rnncourse.__version__}"], env=env, cwd=work))
    return {"python": python, "bin": venv / "bin", "site_packages": site_packages, "work": work, "env": env,
            "pip_output": install.stdout, "deps": deps}


@pytest.fixture(scope="module")
def student(tmp_path_factory, dist):
    """A fresh venv with the wheel (pip --no-index) and its dependencies; a working folder outside the repo."""
    return _wheel_venv(tmp_path_factory.mktemp("student"), dist["wheel"])


def test_rnncourse_is_installed_from_the_wheel_only(student):
    assert "Successfully installed rnncourse" in student["pip_output"], student["pip_output"]
    probe = _ok(_run([student["python"], "-c", "import json, sys, rnncourse; print(json.dumps([rnncourse.__file__, sys.path]))"],
                     env=student["env"], cwd=student["work"]))
    module_file, path = json.loads(probe.stdout)
    assert Path(module_file).is_relative_to(student["site_packages"])
    for entry in map(Path, filter(None, path)):
        assert not entry.resolve().is_relative_to(ROOT), f"{entry} is in the repository"
        assert entry == student["site_packages"] or not (entry / "rnncourse").exists(), f"{entry} holds rnncourse"


def test_gradescope_zip_from_the_wheel_install_grades_in_an_autograder_layout(student, tmp_path):
    """Built by the wheel-only install (no source tree anywhere), the zip carries its own wheel; installed
    into a fresh environment as setup.sh installs it, run_autograder grades a submission there."""
    secret = tmp_path / "secret"
    secret.write_text("wheel-gradescope-secret\n")
    secret.chmod(0o600)
    zip_path = student["work"] / "autograder-rnn-bptt.zip"
    _ok(_run([student["bin"] / "rnncourse", "gradescope", "rnn-bptt", "--secret-file", secret, "--out", zip_path],
             env=student["env"], cwd=student["work"]))
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "source")
    wheels = sorted((root / "source").glob("rnncourse-*-py3-none-any.whl"))
    assert len(wheels) == 1 and "./rnncourse-*-py3-none-any.whl" in (root / "source" / "setup.sh").read_text()
    image = tmp_path / "image"                    # the autograder image: a fresh venv, setup.sh's install, offline
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", image]))
    python = image / "bin" / "python"
    purelib = Path(_ok(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])).stdout.strip())
    (purelib / "rnncourse_test_dependencies.pth").write_text(f"import site; site.addsitedir({str(student['deps'])!r})\n")
    _ok(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-index", wheels[0]], env=student["env"],
             cwd=root / "source"))
    (root / "run_autograder").write_bytes((root / "source" / "run_autograder").read_bytes())
    (root / "submission").mkdir()
    shutil.copy(ROOT / "solutions" / "rnn-bptt.ipynb", root / "submission" / "homework.ipynb")
    env = {**student["env"], "PATH": f"{image / 'bin'}:/usr/bin:/bin", "RNNCOURSE_AUTOGRADER_ROOT": str(root),
           "RNNCOURSE_PYTHON": str(python)}
    _ok(_run(["bash", root / "run_autograder"], env=env, cwd=root))
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == results["max_score"] == 100, results
    assert results["execution_time"] > 0


def test_version_command(student):
    proc = _ok(_run([student["bin"] / "rnncourse", "--version"], env=student["env"], cwd=student["work"]))
    assert proc.stdout.strip() == f"rnncourse {metadata.version('rnncourse')}" == f"rnncourse {rnncourse.__version__}"


# The notebook run by the student's environment, with one probe cell appended (in memory) that reports
# where every rnncourse module it imported came from.
RUN_NOTEBOOK = """
import json, sys
import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import json as _j, os as _o, sys as _s\\n"
    "print(_j.dumps({'executable': _s.executable, 'cwd': _o.getcwd(), 'path': _s.path,\\n"
    "               'modules': {k: getattr(m, '__file__', None) for k, m in _s.modules.items()\\n"
    "                           if k == 'rnncourse' or k.startswith('rnncourse.')}}))"))
# allow_errors=False: only cells tagged raises-exception may raise; any other error stops the run.
# With --allow-errors every cell runs and keeps its error in its outputs. Either way the notebook is written,
# as far as it ran, even when the run stops (a dead kernel, a timeout).
client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=sys.argv[3:] == ["--allow-errors"],
                        resources={"metadata": {"path": "."}})
try:
    client.execute()
finally:
    nbformat.write(nb, sys.argv[2])
"""


def _student_runs(student, exercise: Path, allow_errors=False):
    """Copy the exercise into the student's folder and run it there, in the student's environment. Returns the
    executed notebook; with ``allow_errors``, (that notebook as far as it ran, the finished process)."""
    work = student["work"] / exercise.stem
    work.mkdir()
    shutil.copy(exercise, work / exercise.name)
    (work / "run_notebook.py").write_text(RUN_NOTEBOOK)
    cmd = [student["python"], "run_notebook.py", exercise.name, "executed.ipynb"]
    if not allow_errors:
        _ok(_run(cmd, env=student["env"], cwd=work))
        return nbformat.read(work / "executed.ipynb", as_version=4)
    proc = _run([*cmd, "--allow-errors"], env=student["env"], cwd=work)
    return nbformat.read(work / "executed.ipynb", as_version=4), proc


@pytest.mark.parametrize("exercise", SAMPLE_EXERCISES, ids=lambda p: p.stem)
def test_exercise_runs_up_to_its_blanks_and_self_checks_say_what_to_do(student, exercise):
    nb = _student_runs(student, exercise)
    probe = json.loads("".join(o.get("text", "") for o in nb.cells[-1].outputs))
    assert Path(probe["executable"]).parent == student["bin"]
    assert Path(probe["cwd"]).resolve() == (student["work"] / exercise.stem).resolve()
    assert "rnncourse.grading.selfcheck" in probe["modules"]
    for name, file in probe["modules"].items():
        assert file and Path(file).is_relative_to(student["site_packages"] / "rnncourse"), (name, file)

    checks = [c for c in nb.cells if "selfcheck" in c.metadata.get("tags", [])]
    assert len(checks) >= 4
    for cell in nb.cells[:-1]:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if "selfcheck" in cell.metadata.get("tags", []):
            assert errors and errors[0].ename == "SelfCheckFailed", f"self-check did not fail: {cell.source}"
            shown = "".join(o.get("text", "") for o in cell.outputs) + errors[0].evalue
            assert "FAIL" in shown and "NotImplementedError" in shown and "Your code here" in shown, shown
        elif errors:
            assert "raises-exception" in cell.metadata.get("tags", []), cell.source


def _verdicts(stdout: str):
    return [line for line in stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(("kind", "name"), [("solutions", p.name) for p in EXERCISES] + [("exercises", p.name) for p in SAMPLE_EXERCISES],
                         ids=lambda v: v.removesuffix(".ipynb"))
def test_check_gives_the_same_verdicts_outside_the_repository(student, kind, name, repo_check):
    """`rnncourse check` on the blank exercise and on a finished one (the solution, as a student's work)."""
    here = repo_check(kind, name)                  # the in-repository check, run once per test run (conftest.py)
    folder = student["work"] / f"check-{kind}-{name}"
    folder.mkdir()
    shutil.copy(ROOT / kind / name, folder / name)
    there = _run([student["bin"] / "rnncourse", "check", name], env=student["env"], cwd=folder)
    assert here.returncode == there.returncode == (1 if kind == "exercises" else 0), there.stdout + there.stderr
    assert _verdicts(there.stdout) == _verdicts(here.stdout)
    assert ("[PASS]" in there.stdout, "[FAIL]" in there.stdout) == ((False, True) if kind == "exercises" else (True, False))


# ---- the student extra: every downloaded chapter notebook's header runs in the student's install ----------
# jupyterlab is the one part of the extra not installed in the test environment (so not linked here); the
# kernel that runs the notebooks (ipykernel, nbclient) is a core dependency and is there. The JupyterLab
# tests below install it from the package index into a venv of their own.
NOT_INSTALLED_HERE = {"jupyterlab"}
STDLIB = set(sys.stdlib_module_names)


@pytest.fixture(scope="module")
def student_extra(tmp_path_factory, dist):
    """A fresh venv with rnncourse[student] from the wheel (what README's %pip cell installs)."""
    return _wheel_venv(tmp_path_factory.mktemp("student-extra"), dist["wheel"], extra="student",
                       leave_out=NOT_INSTALLED_HERE)


def _imports(sources) -> list:
    """Every import statement in ``sources`` (at any depth), as source lines, in order, once each."""
    lines = []
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0):
                line = ast.unparse(node)
                if line not in lines:
                    lines.append(line)
    return lines


def _lazy_third_party_imports(site_packages: Path) -> list:
    """The imports the installed library makes inside its functions (the data loaders' gensim,
    statsmodels, scikit-learn, ...): what a chapter's data loading needs beyond its own import lines."""
    lines = []
    for path in sorted((site_packages / "rnncourse").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top and not getattr(node, "level", 0):
                module = (node.module if isinstance(node, ast.ImportFrom) else node.names[0].name).split(".")[0]
                if module not in STDLIB and module != "rnncourse" and ast.unparse(node) not in lines:
                    lines.append(ast.unparse(node))
    return lines


# Printed after each group of cells: where every rnncourse module loaded so far came from (sys.modules
# survives %reset -f, so a group's own modules are those its probe lists and the previous probe did not).
MODULES_PROBE = ("import json as _j, sys as _s\n"
                 "print(_j.dumps({k: getattr(m, '__file__', None) for k, m in _s.modules.items()\n"
                 "                if k == 'rnncourse' or k.startswith('rnncourse.')}))")
CHAPTERS = chapter_files(numbered_only=True)
DATA_LOADING = "the library's data loading"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def student_extra_runs(student_extra, tmp_path_factory):
    """Every chapter's header (its first code cell, then every import any of its cells makes), and the imports
    the library's data loaders make inside their functions, run in ONE kernel of the student install: one
    kernel start and one import of torch, NumPy and matplotlib serve them all (a kernel per group cost about
    2.5 CPU-s each). Each group starts with ``%reset -f``, so it runs in a clean namespace (a name an earlier
    group defined cannot hide a missing import), and ends with a probe of the rnncourse modules it loaded. The
    run allows errors, so one group's failure does not stop the others; a kernel that dies stops the run, and
    the groups it did not reach fail with its output.

    Returns {group: {"errors": [...], "modules": {module: file} it loaded, or None if it did not finish},
    plus "__run__": the finished process}."""
    groups = {}
    for page in CHAPTERS:
        code = [c.source for c in jupytext.read(ROOT / f"{page}.md").cells if c.cell_type == "code"]
        groups[page] = {"its first code cell": code[0], "the imports of all its cells": "\n".join(_imports(code))}
    groups[DATA_LOADING] = {"their imports": "\n".join(_lazy_third_party_imports(student_extra["site_packages"]))}

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    owner = []                                                  # (group, role) of each cell
    for group, cells in groups.items():
        for role, source in {"%reset -f": "%reset -f", **cells, "the modules probe": MODULES_PROBE}.items():
            nb.cells.append(nbformat.v4.new_code_cell(source))
            owner.append((group, role))
    path = tmp_path_factory.mktemp("student-extra-runs") / "chapter-headers.ipynb"
    nbformat.write(nb, path)
    executed, proc = _student_runs(student_extra, path, allow_errors=True)

    runs, seen = {"__run__": proc}, set()
    for group in groups:
        cells = [(c, role) for c, (g, role) in zip(executed.cells, owner) if g == group]
        errors = [f"{role}: {o.ename}: {o.evalue}\n" + _ANSI.sub("", "\n".join(o.traceback[-6:]))
                  for c, role in cells for o in c.get("outputs", []) if o.output_type == "error"]
        printed = "".join(o.get("text", "") for o in cells[-1][0].get("outputs", []) if o.output_type == "stream")
        loaded = json.loads(printed) if printed.strip() else None          # None: the probe never ran
        runs[group] = {"errors": errors,
                       "modules": None if loaded is None else {k: f for k, f in loaded.items() if k not in seen}}
        seen |= set(loaded or ())
    return runs


def _assert_ran_clean(runs, group, venv):
    run, proc = runs[group], runs["__run__"]
    assert not run["errors"], f"{group} failed in the student install:\n" + "\n".join(run["errors"])
    assert run["modules"] is not None, (f"the run stopped before {group} finished (exit {proc.returncode}):\n"
                                        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    outside = {k: f for k, f in run["modules"].items() if f and not Path(f).is_relative_to(venv["site_packages"])}
    assert not outside, f"{group} loaded rnncourse modules from outside the student install: {outside}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_downloaded_chapter_header_runs_in_the_student_install(student_extra, student_extra_runs, page):
    """The chapter as its download gives it (jupytext reads the page as myst-nb does): its first code cell
    (the imports) and every import any of its cells makes run in the student's install (in the kernel that
    ``student_extra_runs`` shares, after ``%reset -f``)."""
    _assert_ran_clean(student_extra_runs, page, student_extra)


def test_the_librarys_data_loading_imports_run_in_the_student_install(student_extra, student_extra_runs):
    """What the chapters' data loaders import inside their functions (gensim, statsmodels, scikit-learn, ...)."""
    lazy = _lazy_third_party_imports(student_extra["site_packages"])
    assert any("gensim" in line for line in lazy) and any("sklearn" in line for line in lazy), lazy
    _assert_ran_clean(student_extra_runs, DATA_LOADING, student_extra)


# ---- JupyterLab in the student install: the extra's Jupyter, from the package index -------------------
# The student extra's other packages are linked from this environment (above); jupyterlab is not installed
# here, so it comes from the package index, as it does for a student, with every linked distribution held at
# its version (a constraints file: pip must not replace, so never delete, a linked distribution). Then
# Jupyter's own machinery runs the notebooks with no network at all (``unshare -rn``: a network namespace
# holding only loopback). `python -m jupyter` is jupyter_core's command (its console script belongs to the
# linked distribution, so it is not in this venv's bin; a student's pip writes it there), which runs the
# `jupyter-lab` and `jupyter-nbconvert` that pip installed into the student's bin.
OFFLINE = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory, dist):
    """A fresh venv with rnncourse[student] from the wheel, jupyterlab installed from the package index."""
    base = tmp_path_factory.mktemp("student-lab")
    venv = _wheel_venv(base, dist["wheel"], extra="student", leave_out=NOT_INSTALLED_HERE)
    pins = sorted(f"{metadata.Distribution.at(p).metadata['Name']}=={metadata.Distribution.at(p).version}"
                  for p in venv["deps"].glob("*.dist-info"))
    (base / "constraints.txt").write_text("\n".join(pins) + "\n")
    with zipfile.ZipFile(dist["wheel"]) as zf:
        meta = zf.read(f"rnncourse-{rnncourse.__version__}.dist-info/METADATA").decode()
    lab = next(line.split(":", 1)[1].split(";")[0].strip() for line in meta.splitlines()
               if line.startswith("Requires-Dist:") and canonicalize_name(line.split(":", 1)[1].split()[0].split(">")[0]) == "jupyterlab")
    env = {k: v for k, v in os.environ.items() if k != "PIP_NO_INDEX"}
    _ok(_run([sys.executable, "-m", "pip", "--python", venv["python"], "install", "--constraint",
              base / "constraints.txt", lab], env=env, cwd=venv["work"]))
    return venv


def _offline(venv, cmd, **kwargs):
    return _run([*OFFLINE, *cmd], env=venv["env"], cwd=kwargs.pop("cwd", venv["work"]), **kwargs)


def test_jupyterlab_is_in_the_student_install(student_lab):
    version = _ok(_offline(student_lab, [student_lab["python"], "-m", "jupyter", "lab", "--version"])).stdout.strip()
    assert int(version.split(".")[0]) >= 4, version
    probe = _ok(_offline(student_lab, [student_lab["python"], "-c", "import jupyterlab; print(jupyterlab.__file__)"]))
    assert Path(probe.stdout.strip()).is_relative_to(student_lab["site_packages"]), probe.stdout


def test_jupyter_runs_an_exercise_and_a_chapter_header_in_the_student_install(student_lab, tmp_path):
    work = student_lab["work"] / "jupyter-run"
    work.mkdir()
    exercise = ROOT / "exercises" / "gru.ipynb"
    shutil.copy(exercise, work / "gru.ipynb")
    # nbconvert, as Jupyter runs a notebook: cells tagged raises-exception (the self-checks) may fail, nothing else
    _ok(_offline(student_lab, [student_lab["python"], "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                               "gru.ipynb", "--output", "gru-executed.ipynb"], cwd=work))
    nb = nbformat.read(work / "gru-executed.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and all(o.ename == "SelfCheckFailed" for o in errors), [o.ename for o in errors]
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "FAIL gru_cell_forward" in printed and "NotImplementedError" in printed, printed[-2000:]
    # the same on a downloaded chapter's header cells (its imports and data loading)
    page = chapter_files(numbered_only=True)[0]
    code = [c.source for c in jupytext.read(ROOT / f"{page}.md").cells if c.cell_type == "code"]
    header = nbformat.v4.new_notebook()
    header.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    header.cells = [nbformat.v4.new_code_cell(code[0]), nbformat.v4.new_code_cell("\n".join(_imports(code))),
                    nbformat.v4.new_code_cell("import rnncourse, sys; print(rnncourse.__file__); print(sys.executable)")]
    nbformat.write(header, work / "chapter.ipynb")
    _ok(_offline(student_lab, [student_lab["python"], "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                               "chapter.ipynb", "--output", "chapter-executed.ipynb"], cwd=work))
    out = nbformat.read(work / "chapter-executed.ipynb", as_version=4).cells[-1].outputs[0]["text"].split()
    assert Path(out[0]).is_relative_to(student_lab["site_packages"]) and Path(out[1]).parent == student_lab["bin"], out


def test_jupyterlab_server_starts_serves_the_lab_and_stops(student_lab):
    script = student_lab["work"] / "lab_start_stop.py"
    script.write_text(LAB_START_STOP)
    proc = _ok(_offline(student_lab, [student_lab["python"], script]))
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["status"] == 200 and report["lab"] == 200 and "JupyterLab" in report["title"], report
    assert report["returncode"] == 0, report


# Run inside the network namespace: start `jupyter lab` on loopback, ask it for /api/status and /lab, shut it down.
LAB_START_STOP = r"""
import json, re, socket, subprocess, sys, time, urllib.request
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
token = "t0k3n"
lab = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                        f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0",
                        "--allow-root"],       # uid 0 inside `unshare -r`'s user namespace
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
base, report = f"http://127.0.0.1:{port}", {}
for _ in range(240):
    try:
        with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
            report["status"] = r.status
        break
    except OSError:
        if lab.poll() is not None:
            break
        time.sleep(0.5)
if "status" not in report:
    lab.kill()
    sys.exit("jupyter lab did not answer:\n" + lab.communicate()[1][-3000:])
with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=30) as r:
    report["lab"] = r.status
    report["title"] = (re.search(r"<title>(.*?)</title>", r.read().decode()) or [None, ""])[1]
# stop it as JupyterLab's File > Shut Down does: POST /api/shutdown; the server then exits by itself
urllib.request.urlopen(urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST"), timeout=30)
report["returncode"] = lab.wait(timeout=60)
print(json.dumps(report))
"""
