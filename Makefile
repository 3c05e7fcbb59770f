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

# The offline Quarto beside the project (../shared/tools/quarto: developers and CI have it), set up in
# build/quarto so that the end-to-end test renders the study with real Quarto too; setup.sh skips the
# steps already done (a rerun takes about a second). Without it the Quarto tests skip and say why.
# `make study` never needs Quarto: `punos render` falls back to the built-in renderer.
QUARTO_KIT := ../shared/tools/quarto
quarto:
	@if [ -f $(QUARTO_KIT)/setup.sh ]; then bash $(QUARTO_KIT)/setup.sh build/quarto; \
	else echo "$(QUARTO_KIT) not found: the tests that render with Quarto will be skipped"; fi

test: $(STAMP) quarto
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
