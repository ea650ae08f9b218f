# The two commands of the README:
#   make lab    set up (.venv, the package, MNIST) and open the series in JupyterLab
#   make test   set up the same way and run the whole test suite
# PYTHON picks the interpreter that creates .venv (3.10 or newer).
# Without make (Windows): .venv's python -m lectures_lib lab|data|test|notebooks|present|slides
# runs the same commands (lectures_lib/__main__.py; README.md, section Windows).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
VOILA_PORT ?= 8866
PRESENTER_KERNELS ?= 4
PRESENTER_IDLE ?= 120
SLIDE_LIBRARIES := presenter/node_modules/.package-lock.json

.PHONY: claims lab test present slides report data setup setup-test lint notebooks benchmark clean-notebooks help publish release grade setup-course

help:
	@echo "make lab        set up and open notebooks/00_start_here.ipynb in JupyterLab"
	@echo "make test       set up and run lint, unit tests and every notebook (nbval)"
	@echo "make present    presenter view: the notebooks in Voila, code hidden (port 8866)"
	@echo "make slides     reveal.js decks of the notebooks in build/slides (work offline)"
	@echo "make report     each notebook's run time and kernel peak memory (README's table)"
	@echo "make notebooks  execute every notebook headless, as CI does (before a class)"
	@echo "make benchmark  time one MNIST epoch against the per-example reference"
	@echo "make claims     the seed sweeps behind the notebooks' general claims (minutes)"
	@echo "make publish REPO=OWNER/REPOSITORY   set where the series lives (links, Colab)"
	@echo "make release DIR=path                the student copy (COURSE.md)"
	@echo "make grade SUBMISSIONS=folder/       grade submitted notebooks with Otter: one CSV"

# pip gives up on an index it cannot reach after one retry (not five: a minute of retries
# without a network); PIP_RETRIES / PIP_TIMEOUT in the environment still win
PIP_RETRIES ?= 1
PIP_TIMEOUT ?= 10
export PIP_RETRIES PIP_TIMEOUT
# a failed first install: .venv goes (a half-built one would be taken as ready next time),
# and what to do instead
PIP_LOG := build/pip-install.log
define NO_INSTALL
{ rm -rf $(VENV); \
  grep -m 1 "ERROR" $(PIP_LOG); \
  echo; \
  echo "The packages could not be installed (no network, or no package index reachable;"; \
  echo "pip's messages are in $(PIP_LOG)), and the half-built $(VENV) was removed. Either:"; \
  echo "  - connect to the internet once and run make $(MAKECMDGOALS) again (later runs need none);"; \
  echo "  - or install from a course's wheelhouse: PIP_NO_INDEX=1 PIP_FIND_LINKS=/path/to/wheels make $(MAKECMDGOALS);"; \
  echo "  - or use conda: conda env create -f environment.yml"; \
  echo "README.md, section \"The two commands\", explains each."; \
  exit 1; }
endef

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>/dev/null || true

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	@mkdir -p build
	@echo "Installing lectures_lib with its [lab] extra into $(VENV) (pip; minutes the first time)"
	@$(BIN)/python -m pip install --quiet -e ".[lab]" > $(PIP_LOG) 2>&1 || $(NO_INSTALL)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@mkdir -p build
	@echo "Installing lectures_lib with its [test] extra into $(VENV) (pip; minutes the first time)"
	@$(BIN)/python -m pip install --quiet -e ".[test]" > $(PIP_LOG) 2>&1 || $(NO_INSTALL)
	touch $@ $(VENV)/.installed-lab

setup: $(VENV)/.installed-lab
setup-test: $(VENV)/.installed-test

data: setup
	$(BIN)/python -m lectures_lib data

# MNIST first (if it cannot be had: why, and what to do), then JupyterLab anyway; its root
# is the project, and it opens notebooks/00_start_here.ipynb on 127.0.0.1
lab: setup
	$(BIN)/python -m lectures_lib lab --port=$(PORT)

# the presenter view (presenter/present.py): Voila on 127.0.0.1 with a token, pages that
# paint at once and fill in, nothing asked of the internet; at most PRESENTER_KERNELS pages
# at once, and a kernel whose page has gone is shut down (after PRESENTER_IDLE s at most).
# Without MNIST (no network) it says why and what to do, and starts anyway (00-03 need none)
present: setup
	$(BIN)/python -m lectures_lib data --optional
	$(BIN)/python presenter/present.py --port=$(VOILA_PORT) --max-kernels=$(PRESENTER_KERNELS) --cull-idle=$(PRESENTER_IDLE) notebooks

# reveal.js and MathJax for the decks, pinned in presenter/package-lock.json (npm ci)
$(SLIDE_LIBRARIES): presenter/package.json presenter/package-lock.json
	npm ci --prefix presenter --no-audit --no-fund
	touch $@

# decks from the notebooks' executed copies in build/executed/ (`make test` leaves them;
# a notebook without one is executed first); they load everything from build/slides/lib
slides: setup data $(SLIDE_LIBRARIES)
	$(BIN)/python tools/build_slides.py

# every notebook under nbval, then each one's run time and kernel peak memory as a table
report: setup-test data
	-$(BIN)/python -m pytest notebooks
	$(BIN)/python tools/notebook_report.py

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup-test data lint $(SLIDE_LIBRARIES)
	$(BIN)/python -m pytest tests notebooks

notebooks: setup-test data
	$(BIN)/python -m pytest notebooks

benchmark: setup data
	$(BIN)/python benchmarks/bench_sgd.py

clean-notebooks: setup-test
	$(BIN)/python tools/tidy_notebooks.py
	$(BIN)/nbstripout notebooks/*.ipynb

# the seed sweeps that back what the notebooks generalise (tests/test_claims*.py): a few
# minutes, so not part of `make test`; CI runs them as a step of their own (.ci/run)
claims: setup-test data
	$(BIN)/python -m pytest -m claims tests

# --- running a course (COURSE.md) ---
# publish: [project.urls] Repository and every notebook's Colab/Binder links and install line
publish: setup
	$(BIN)/python -m lectures_lib.course publish $(REPO)

# release: the student copy (no solutions/, exercises unanswered, outputs cleared)
release: setup
	$(BIN)/python -m lectures_lib.course release $(DIR)

# Otter-Grader, for the instructor only (the extra "course"; students never install it)
setup-course: setup
	$(BIN)/python -c "import otter" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[course]"

# grade: otter run on every notebook under SUBMISSIONS (no Docker, no network); one CSV,
# GRADES (build/grades.csv), and each answer's message beside it
GRADES ?= build/grades.csv
grade: setup-course
	$(BIN)/python -m lectures_lib.course grade $(SUBMISSIONS) --csv $(GRADES)
