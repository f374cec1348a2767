# Two entry points for a fresh machine: `make demo` and `make test`. Both set everything up.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup system-deps demo test lint bench clean

setup: $(VENV)/.installed .venv-xray/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# x-ray, the independent bad-redaction checker used by the PDF sanitiser tests, lives in its own
# virtualenv with the PyMuPDF it pins, so it checks our output without sharing our code or versions.
.venv-xray/.installed:
	$(PYTHON) -m venv .venv-xray
	.venv-xray/bin/python -m pip install -q 'x-ray==0.4.0'
	touch $@

system-deps:
	bash scripts/install-system-deps.sh

demo: setup
	@$(BIN)/mosaicguard scan samples/documents --policy samples/policy.yaml --format html -o out/demo-report.html; \
	  echo "demo: scan exit code $$? (1: findings at or above 'high'); report: $(CURDIR)/out/demo-report.html"
	@$(BIN)/mosaicguard aggregate samples/corpus --policy samples/policy.yaml --format html -o out/exposure.html; \
	  echo "demo: aggregate exit code $$?; what the public corpus reveals together: $(CURDIR)/out/exposure.html"
	@$(BIN)/mosaicguard check samples/drafts --corpus samples/corpus --policy samples/policy.yaml --format html -o out/check.html; \
	  echo "demo: check exit code $$? (1: the draft creates new exposure); draft check: $(CURDIR)/out/check.html"

test: setup system-deps lint
	$(BIN)/pytest -n 2 -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .venv-xray out build *.egg-info
