# py-rust-fib: every target runs scripts in checks/ (the Nix flake runs the same ones).
# On a fresh Debian 12 / Ubuntu machine each target installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CHECKS := checks
# The Pyodide runtimes (the pyodide-<version> aliases in web/package.json) are listed by the
# recipes, after setup: nothing is computed with python3 before setup has installed it.
RUNTIMES = $$(python3 $(CHECKS)/pyodide_runtimes.py versions)
HOST ?= 127.0.0.1
PORT ?= 8000
SCENARIO ?= readme
WHERE ?= local trixie sid

.PHONY: help setup lock wheels wheel-host wheel-python wheel-emscripten wheel-pyodide-314 sdist \
	test-rust fuzz test-python test-pythons test-sdist test-pyodide reproducible test-web \
	test-browser check-flake eval-flake store-layout benchmark benchmark-gmp-native benchmark-smoke webapp load check \
	fresh-check clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.%-]+:.*## / {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Install every tool the project needs (Debian packages, Python venv, npm packages)
	@$(CHECKS)/setup.sh all

lock: ## Re-resolve the Python locks (host venv, test tools for every CPython, each Pyodide runtime's test deps) with hashes
	@$(CHECKS)/lock.sh
	@$(CHECKS)/setup.sh pyodide-deps host-wheels
	@python3 $(CHECKS)/flake_check.py wheels-nix --write

wheels: ## Build every wheel and the fib_pyrs sdist into dist/
	@$(CHECKS)/wheels.sh
	@ls -l dist/*.whl dist/*.tar.gz

wheel-host: ## The fib_pyrs manylinux2014 wheels for CPython 3.10-3.14 into dist/, tags checked with auditwheel
	@$(CHECKS)/setup.sh rust python
	@$(CHECKS)/wheel-host.sh

sdist: ## The fib_pyrs source distribution into dist/
	@$(CHECKS)/setup.sh rust python
	@$(CHECKS)/sdist.sh

wheel-python: ## The pure wheels (fib_python, webworker) into dist/
	@$(CHECKS)/setup.sh python
	@$(CHECKS)/wheel-python.sh

wheel-pyodide-%: ## The fib_pyrs wheel for one Pyodide runtime, e.g. wheel-pyodide-0.21.3
	@$(CHECKS)/setup.sh python node emscripten
	@$(CHECKS)/wheel-emscripten.sh $*

wheel-emscripten: wheel-pyodide-0.21.3 ## The cp310 emscripten_3_1_14_wasm32 wheel (Pyodide 0.21.3)

wheel-pyodide-314: wheel-pyodide-314.0.7 ## The cp314 pyemscripten_2026_0_wasm32 wheel (Pyodide 314.0.7)

test-rust: ## cargo fmt --check, clippy -D warnings, cargo test
	@$(CHECKS)/setup.sh rust python
	@$(CHECKS)/rust.sh

fuzz: ## Fuzz fib-bigmul's multiplication against num-bigint for a bounded time (SECONDS=60)
	@$(CHECKS)/setup.sh rust
	@$(CHECKS)/fuzz.sh $(SECONDS)

test-python: wheel-host wheel-python ## pytest across the twins against the built wheels (host venv)
	@$(CHECKS)/test-python.sh

test-pythons: wheel-host wheel-python ## Each host wheel in its own CPython: pyenv's here, Debian trixie/sid roots (WHERE=local trixie sid)
	@$(CHECKS)/test-pythons.sh $(WHERE)

test-sdist: sdist ## pip install of the sdist builds fib_pyrs from source (throwaway venv), then a smoke test
	@$(CHECKS)/test-sdist.sh

test-pyodide: wheels ## The same pytest suite inside every Pyodide runtime under Node
	@$(CHECKS)/setup.sh pyodide-deps
	@for v in $(RUNTIMES); do $(CHECKS)/test-pyodide.sh $$v || exit 1; done

reproducible: wheels ## Rebuild every wheel and the sdist from scratch and compare the bytes with dist/
	@$(CHECKS)/reproducible.sh

test-web: wheels ## Server and worker tests (routes, content types, methods, path traversal)
	@$(CHECKS)/test-web.sh

test-browser: wheels ## Real uvicorn + headless Chromium run the page in both runtimes
	@$(CHECKS)/setup.sh browser
	@$(CHECKS)/test-browser.sh

check-flake: ## Parse flake.nix; check flake.lock and its pins against the locks, npm's files and the venv
	@$(CHECKS)/setup.sh node nix pyodide-deps
	@$(CHECKS)/flake.sh

store-layout: wheels ## Run the flake's apps' scripts from a read-only store-like tree (no Nix needed)
	@$(CHECKS)/setup.sh node
	@$(CHECKS)/store-layout.sh

eval-flake: ## Evaluate every flake output to a derivation offline (stand-ins for nixpkgs, rust-overlay)
	@$(CHECKS)/setup.sh nix
	@$(CHECKS)/flake-eval.sh

benchmark: wheels ## The main job: Python vs Rust, native and in Pyodide; table, JSON and plot (ARGS="--python python3.12 ...")
	@$(CHECKS)/benchmark.sh $(ARGS)

benchmark-gmp-native: wheels ## Rust's doubling against GMP built for this CPU from Debian's source (CPU=alderlake ...; ARGS as above)
	@$(CHECKS)/gmp-native.sh $(if $(CPU),--cpu $(CPU)) $(ARGS)

benchmark-smoke: wheels ## Every benchmark implementation at tiny n, once, and their agreement
	@$(CHECKS)/benchmark.sh --smoke

webapp: wheels ## Serve the page on 127.0.0.1:8000 (make webapp HOST=... PORT=... to change)
	@FIB_WEB_HOST=$(HOST) FIB_WEB_PORT=$(PORT) $(CHECKS)/webapp.sh

load: wheels ## wrk against the page and a wheel on loopback (bounded), requests/s and errors
	@$(CHECKS)/setup.sh load
	@$(CHECKS)/load.sh

check: ## The test command: lints, tests native/Pyodide/web/browser, reproducibility, flake, benchmark smoke
	@$(CHECKS)/check.sh

fresh-check: ## What CI runs: the README's commands in a brand-new minimal Debian 12 root (SCENARIO=check-first|webapp-first)
	@$(CHECKS)/fresh-check.sh --scenario $(SCENARIO)

clean: ## Remove build outputs (dist/, out/); the cache in ~/.cache/py-rust-fib stays
	rm -rf dist out
