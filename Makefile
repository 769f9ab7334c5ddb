# Sindh Cluster Atlas. `make run` and `make test` are the two commands a newcomer needs;
# both set everything up first and are quick when it is already set up.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements-installed
PORT   ?= 8501

.PHONY: setup run test bench bench-votes boundaries system-packages check-boundaries assets clean

setup: $(STAMP) assets check-boundaries

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Leaflet and the other map scripts, from the npm registry into static/vendor/ (not committed).
assets: $(STAMP)
	$(PY) scripts/install_map_assets.py

check-boundaries: $(STAMP)
	$(PY) scripts/check_boundaries.py

run: setup
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

# Debian's chromium (browser tests) and postgresql (store tests), when missing and we are root.
system-packages:
	bash scripts/system_packages.sh

test: setup system-packages
	bash scripts/run_tests.sh

bench: setup system-packages
	$(PY) bench/run.py
	$(PY) bench/room_votes.py

# Only the room-vote load figures (80 phones on one item, projector in Chromium).
bench-votes: setup system-packages
	$(PY) bench/room_votes.py

# For users without ../shared: download the public boundary files and verify their checksums.
boundaries: $(STAMP)
	$(PY) scripts/fetch_boundaries.py

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
