# The two commands of the README:
#   make lab    set up (.venv, the package, MNIST) and open the series in JupyterLab
#   make test   set up the same way and run the whole test suite
# PYTHON picks the interpreter that creates .venv (3.10 or newer).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
VOILA_PORT ?= 8866
# Jupyter refuses to run as root (CI, containers) unless told to
LAB_FLAGS := --ip=127.0.0.1 --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test present slides data setup setup-test lint notebooks benchmark clean-notebooks help

help:
	@echo "make lab        set up and open notebooks/00_start_here.ipynb in JupyterLab"
	@echo "make test       set up and run lint, unit tests and every notebook (nbval)"
	@echo "make present    presenter view: the notebooks in Voila, code hidden (port 8866)"
	@echo "make slides     execute the notebooks and build reveal.js decks in build/slides"
	@echo "make notebooks  execute every notebook headless, as CI does (before a class)"
	@echo "make benchmark  time one MNIST epoch against the per-example reference"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[extras]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-lab

setup: $(VENV)/.installed-lab
setup-test: $(VENV)/.installed-test

data: setup
	$(BIN)/python -m lectures_lib.data

lab: data
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/00_start_here.ipynb

# the presenter template (presenter/voila/templates/lecture) asks nothing of the internet
present: data
	JUPYTER_PATH="$(CURDIR)/presenter" $(BIN)/voila --template=lecture --Voila.ip=127.0.0.1 --port=$(VOILA_PORT) notebooks

slides: setup-test data
	$(BIN)/jupyter nbconvert --to slides --execute --output-dir build/slides notebooks/*.ipynb
	@echo "open build/slides/00_start_here.slides.html in a browser"

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup-test data lint
	$(BIN)/python -m pytest tests notebooks

notebooks: setup-test data
	$(BIN)/python -m pytest notebooks

benchmark: setup data
	$(BIN)/python benchmarks/bench_sgd.py

clean-notebooks: setup-test
	$(BIN)/python tools/tidy_notebooks.py
	$(BIN)/nbstripout notebooks/*.ipynb
