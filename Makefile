# Nazorat — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# Find a Python >= 3.12: $(PYTHON) if given, else python3.13/python3.12 (pyenv shims need a version
# chosen, so try the pyenv versions installed here too), else python3 if new enough.
PYTHON ?= $(shell scripts/find-python.sh)

.PHONY: help run test venv install migrate demo static messages worker web clean check-python

help:
	@echo "make run    install, migrate, load demo data, start web + worker on http://127.0.0.1:$(PORT)"
	@echo "make test   run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "Nazorat needs Python 3.12 or newer and none was found. Install it (e.g. pyenv install 3.12) or run: make PYTHON=/path/to/python3.12 run" >&2; exit 1; fi

$(VENV)/.installed: pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The XStatic asset packages are sdists whose setup.py still imports pkg_resources.
	$(PIP) install --quiet "setuptools==80.9.0" "wheel==0.45.1"
	$(PIP) install --quiet --no-build-isolation "xstatic-bootstrap==5.3.8.0" "xstatic-leaflet==1.9.3.0"
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv install: $(VENV)/.installed

messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (apt-get install gettext)" >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0

migrate: install messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Nazorat is starting on http://127.0.0.1:$(PORT)  (Ctrl+C stops the web app and the worker)"
	@$(PY) manage.py demo_logins
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py run_huey --quiet & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

test: messages
	$(PY) -m pytest -n 2 --dist loadfile -q -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf var/ $(VENV)
