# Two commands a new user needs:   make book   (build the HTML book)   and   make test   (run every test).
# Each installs what it needs into .venv first (once; redone when pyproject.toml changes).
# A developer's command after each edit: make check   (the fast tier, pytest -m "not slow", minutes -> seconds).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: install book test check chromium benchmark pretrained clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch pinned exactly and installed first: anything else resolves to a multi-GB CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[book,test]'
	touch $(STAMP)

install: $(STAMP)

# Everything: library, grader, notebooks (nbval, lax, on solutions/ and exercises/: see conftest.py), claims,
# the book build and the browser tests. --dist loadgroup: the scheduler of tests/cost_markers.py (costly work
# first; a notebook or test file on one worker, the book tests together, seed-per-test files spread).
test: chromium install
	$(PY) -m pytest -n $(JOBS) --dist loadgroup --durations=25

# The fast tier: every test not marked slow (tests/cost_markers.py says what is slow; an unmarked test that
# spends more than 10 s of CPU fails). No book, browser, notebooks, grader subprocesses or seed studies.
check: install
	$(PY) -m pytest -m "not slow" -n $(JOBS) --durations=15

# The browser tests need headless Chromium (Debian package `chromium`). Installed here when we are root with
# apt-get; otherwise we stop before anything runs and say what to install. CHROMIUM=/path/to/chrome uses another.
chromium:
	@if [ -n "$(CHROMIUM)" ] && command -v "$(CHROMIUM)" >/dev/null 2>&1; then exit 0; fi; \
	if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make test: installing headless Chromium (apt-get install chromium) for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	    && command -v chromium >/dev/null 2>&1 && exit 0; \
	fi; \
	echo "make test needs headless Chromium for the browser tests: install the package 'chromium' (Debian/Ubuntu: sudo apt-get install chromium), or set CHROMIUM=/path/to/chrome" >&2; \
	exit 1

benchmark: install
	$(PY) benchmarks/bench_rnn.py

# Retrain every shipped model (rnncourse/pretrained/*.npz + manifest) with its script in benchmarks/pretrained/.
pretrained: install
	for script in benchmarks/pretrained/train_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf _build .pytest_cache

# The book: executes every chapter (cached in _build/.jupyter_cache), rebuilds every page (--all) and
# turns every Sphinx warning into an error (-W --keep-going), so a broken cell, reference or citation fails.
book: install
	RNNCOURSE_PROGRESS=0 $(VENV)/bin/jupyter-book build . --all -W --keep-going
