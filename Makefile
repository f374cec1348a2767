# Two entry points for a fresh machine: `make demo` and `make test`. Both set everything up.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup system-deps demo test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	# x-ray (independent bad-redaction checker in the PDF sanitiser tests) pins PyMuPDF 1.24.14: install it
	# without its pins so the tests run on the PyMuPDF the tool ships.
	$(PY) -m pip install -q --no-deps 'x-ray==0.4.0' && $(PY) -m pip install -q 'httpx2[http2]>=2.13.1'
	touch $@

system-deps:
	bash scripts/install-system-deps.sh

demo: setup
	$(BIN)/mosaicguard scan samples/documents --policy samples/policy.yaml --format html -o out/demo-report.html; \
	  code=$$?; echo "demo: HTML report written to $(CURDIR)/out/demo-report.html (scan exit code $$code: 1 means findings at or above 'high')"

test: setup system-deps
	$(BIN)/pytest -n 2 -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out build *.egg-info
