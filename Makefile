# Sindh Cluster Atlas. `make run` and `make test` are the two commands a newcomer needs;
# both set everything up first and are quick when it is already set up.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Two stamps, both kept by pyproject.toml's dependency groups: `make run` installs the runtime
# only, `make test` adds the test tools; each is skipped while pyproject.toml is unchanged.
STAMP  := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
PORT   ?= 8501

.PHONY: setup run test bench bench-browser bench-votes boundaries context data-files system-packages fonts check-boundaries assets clean survey-form screenshots catalogues

setup: $(STAMP) assets data-files check-boundaries

# pip >= 25.1 reads PEP 735 dependency groups (`--group`); a venv made by Python 3.11 has an older one.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group runtime
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet --group test
	touch $(TEST_STAMP)

# Leaflet and the other map scripts, from the npm registry into static/vendor/, joined into one served bundle in static/generated/ (neither committed).
assets: $(STAMP)
	$(PY) scripts/install_map_assets.py
	$(PY) scripts/install_web_fonts.py

# Boundary and district context files: downloaded, SHA-256-verified and converted into var/
# only when ../shared (or ATLAS_BOUNDARIES / ATLAS_CONTEXT) does not have them; offline, a clear warning.
data-files: $(STAMP)
	$(PY) scripts/fetch_boundaries.py --if-missing
	$(PY) scripts/fetch_context.py --if-missing

check-boundaries: $(STAMP)
	$(PY) scripts/check_boundaries.py

run: setup fonts
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT)

# Debian's chromium (browser tests) and postgresql (store tests), when missing and we are root.
system-packages:
	bash scripts/system_packages.sh

# The PDF fonts (DejaVu; Lateef for Urdu/Sindhi), when missing and we are root.
fonts:
	bash scripts/system_packages.sh fonts

test: setup $(TEST_STAMP) system-packages
	bash scripts/run_tests.sh

bench: setup $(TEST_STAMP) system-packages
	$(PY) bench/run.py
	$(PY) bench/room_votes.py
	$(PY) bench/api.py

# Only the room-vote load figures: 80 and 300 phones on the light vote page, SQLite and PostgreSQL
# (a throwaway server from scripts/start_test_postgres.sh), projector in Chromium.
bench-votes: setup $(TEST_STAMP) system-packages
	$(PY) bench/room_votes.py --phones 80
	$(PY) bench/room_votes.py --phones 300
	eval "$$(bash scripts/start_test_postgres.sh)" && $(PY) bench/room_votes.py --phones 80 --backend postgresql \
	  && $(PY) bench/room_votes.py --phones 300 --backend postgresql

# The README screenshots (docs/screenshots/), taken from the running app in headless Chromium, offline.
screenshots: setup $(TEST_STAMP) system-packages
	$(PY) scripts/screenshots.py

# Only the Chromium part of the bench (issue #14: repaint, bytes per change, start to paint).
bench-browser: setup $(TEST_STAMP) system-packages
	$(PY) bench/run.py --browser

# For users without ../shared: download the public boundary files and verify their checksums.
boundaries: $(STAMP)
	$(PY) scripts/fetch_boundaries.py

# The field survey as an XLSForm for ODK Collect / KoboToolbox, from data/indicators.csv.
survey-form: $(STAMP)
	$(PY) scripts/make_survey_form.py

# The same for the district context files (World Bank Data4Pakistan via PakIndicatorsApp).
context: $(STAMP)
	$(PY) scripts/fetch_context.py

# The Urdu and Sindhi catalogues after UI strings change: extract (babel.cfg) into locales/atlas.pot, update the .po files.
.PHONY: catalogues
catalogues: $(STAMP)
	$(PY) scripts/update_catalogues.py

clean:
	rm -rf $(VENV) static/vendor static/generated static/fonts .pytest_cache
