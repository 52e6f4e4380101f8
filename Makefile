# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
# Each creates .venv and installs the pinned dependencies when they are missing or pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test catalogs bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# .mo files are build output: compiled from the committed .po catalogs, never hand-edited.
catalogs: $(STAMP)
	$(BIN)/python -m app.i18n.pseudo
	for domain in ui leaflet; do \
	  if ls locales/*/LC_MESSAGES/$$domain.po >/dev/null 2>&1; then \
	    $(BIN)/pybabel compile --domain $$domain --directory locales || exit 1; \
	  fi; \
	done

run: catalogs
	$(BIN)/signpost

test: catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# Translation upkeep (docs/translations.md): extract -> update -> translate -> review -> compile (catalogs).
# Both run pybabel; app/i18n/maintenance.py holds what each domain extracts and keeps the review header.
.PHONY: extract update
extract: $(STAMP)
	$(BIN)/python -m app.i18n.maintenance extract

update: extract
	$(BIN)/python -m app.i18n.maintenance update
