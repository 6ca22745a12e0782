# Two commands on a fresh Debian machine with Python 3.11:
#   make run    the system with demo data at http://127.0.0.1:8000 (installs Pango and fonts for letters)
#   make test   every test, on SQLite and PostgreSQL
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# gunicorn processes (4 threads each) serve the site, static files through WhiteNoise; the access
# log names paths without their query strings.
WEB_WORKERS ?= 3

.PHONY: run test install system-deps bench demo clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

system-deps:
	scripts/install-system-deps.sh

run: install system-deps
	$(PY) -m resettle init-secrets
	$(PY) -m resettle migrate --no-input -v 0
	$(PY) -m resettle demo-data
	$(PY) -m resettle casework-clock
	$(PY) -m resettle db_worker & echo $$! > data/worker.pid
	@echo "Applicant portal (public, no sign-in): http://$(HOST)/apply/"
	trap 'kill $$(cat data/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  RESETTLE_SECURE_COOKIES=0 RESETTLE_PORTAL_TEAM=demo-bamyan $(VENV)/bin/gunicorn resettle.wsgi:application \
	    --bind $(HOST) --workers $(WEB_WORKERS) --threads 4 --timeout 120 --keep-alive 75 --access-logfile - \
	    --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

test: install system-deps
	scripts/test.sh

bench: install
	$(PY) -m bench.run --all

clean:
	rm -rf $(VENV) build *.egg-info
