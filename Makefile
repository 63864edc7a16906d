# Two commands a new user needs:   make book   (build the HTML book)   and   make test   (run every test).
# Each installs what it needs into .venv first (once; redone when pyproject.toml changes).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: install book test benchmark pretrained clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch pinned exactly and installed first: anything else resolves to a multi-GB CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[book,test]'
	touch $(STAMP)

install: $(STAMP)

test: install
	$(PY) -m pytest -n $(JOBS) --dist loadfile --durations=15

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
