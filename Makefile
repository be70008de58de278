# The README's two commands are `make run` and `make test`; everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
CRUD ?= ../shared/benchmarks/crud-dev
NEWS ?= ../shared/benchmarks/news-20k.jsonl.gz

.PHONY: setup run test lint eval eval-crud bench clean

# CPU-only PyTorch first (torch==2.13.0 resolves to the local CPU wheel here); the project's
# own `torch>=` requirement is then already met, so no CUDA packages are ever pulled in.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[test]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(VENV)/bin/rag ingest
	$(VENV)/bin/rag info
	$(VENV)/bin/rag serve

test: setup
	$(VENV)/bin/ruff check rag ui tests evals benchmarks
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check rag ui tests evals benchmarks
	$(VENV)/bin/ruff format --check rag ui
	$(VENV)/bin/mypy rag

eval: setup
	$(VENV)/bin/rag ingest
	$(VENV)/bin/rag eval --baseline --report evals/reports/seeds

eval-crud: setup
	@test -d "$(CRUD)/corpus" || { echo "no CRUD-RAG split at $(CRUD): set CRUD=/path/to/crud-dev"; exit 2; }
	RAG_CORPUS_DIR=$(CRUD)/corpus RAG_INDEX_DIR=/tmp/rag-crud-index $(VENV)/bin/rag ingest
	RAG_CORPUS_DIR=$(CRUD)/corpus RAG_INDEX_DIR=/tmp/rag-crud-index $(VENV)/bin/rag eval \
		--questions $(CRUD)/questions.jsonl --baseline --report evals/reports/crud-dev

bench: setup
	$(PY) benchmarks/bench.py --news $(NEWS)

clean:
	rm -rf index/chroma index/lexical-* index/manifest.json
