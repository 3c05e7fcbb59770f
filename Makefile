# Two entry points: `make study` builds the study, `make test` runs every check.
# Both create .venv with the standard library's venv and install the project into it.
PYTHON ?= python3
# Parallel notebook executions for `make study` (`make study WORKERS=4` on a bigger machine).
WORKERS ?= 2
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: study test install demo run render lab quarto bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

study: $(STAMP)
	@# Real statistics shipped in data/real/ first, then example data only for what they do not cover
	@# (both keep whatever `punos fetch` or `punos snapshot import` stored).
	$(BIN)/punos bundle
	$(BIN)/punos demo --no-progress
	$(BIN)/punos run --workers $(WORKERS)
	$(BIN)/punos render

test: $(STAMP)
	$(BIN)/python -m pytest tests
	@# nbval re-executes the notebooks the end-to-end test left, against the same demo snapshot.
	PUNOS_SNAPSHOT=$(CURDIR)/build/test-study/snapshot PUNOS_OUTPUTS=$(CURDIR)/build/test-study/nbval-outputs \
	  $(BIN)/python -m pytest --nbval-lax -p no:cacheprovider build/test-study/outputs/notebooks

# JupyterLab on notebooks/ with the project's kernel, snapshot and outputs (prints the address).
lab: $(STAMP)
	$(BIN)/punos lab

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf outputs build
