# Two entry points a fresh machine needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python's bytecode cache stays on: where PYTHONDONTWRITEBYTECODE is set (as on these machines), every
# Python process the tests start (each CLI call, each pytest run) compiled every module again and
# pytest rewrote the harness's modules again: `make test` took 130-135 s instead of 98 s.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test lint serve mutants mutants-recheck mutants-features mutants-contract

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job: every feature against the built-in emulator, reports in reports/.
run: $(STAMP)
	$(BIN)/zoom-harness run --target emulator --report-dir reports

# Three workers on two cores: many tests mostly wait (Zoom's paced rate limits, LDAP's one-second
# timestamps, a PingFederate cycle's schedule), and a third worker fills the core they leave idle;
# worksteal hands a finished worker half of the busiest one's queue (61-66 s here, 75-90 s with -n 2).
test: $(STAMP)
	$(BIN)/pytest -q -n 3 --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

serve: $(STAMP)
	$(BIN)/zoom-harness serve

# Mutation testing of the modules the certification rests on (slow: not part of CI).
mutants: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

# After tests are added: the survivors of the last `make mutants` (and any mutant it left unjudged),
# judged again by today's unit tests, in minutes (docs/mutation.md).
mutants-recheck: $(STAMP)
	$(BIN)/python tests/mutation_recheck.py --unchecked $(RECHECK_ARGS)
	$(BIN)/mutmut results

# What a certification itself tells apart: every mutant of the connector's code (engine, mapping,
# Zoom client) judged by the features alone; resumes where a stopped run stopped, and a later run
# judges only the survivors again (docs/mutation/features/, docs/mutation.md).
mutants-features: $(STAMP)
	test -d mutants || $(BIN)/python tests/mutation_recheck.py --generate
	$(BIN)/python tests/mutation_recheck.py --features --workers 2 $(FEATURES_ARGS)

# The emulator's Zoom contract (SCIM, REST v2, OAuth, rate limits, accounts' state): every mutant
# judged by the emulator's own tests, each by those that run what it changes (docs/mutation/contract/).
mutants-contract: $(STAMP)
	test -d mutants || $(BIN)/python tests/mutation_recheck.py --generate
	$(BIN)/python tests/mutation_recheck.py --contract --workers 2 $(CONTRACT_ARGS)
