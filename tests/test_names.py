"""geo.names: explicit district matching, aliases and site checks."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd
import pytest

from cluster_model.issues import DataFileError
from geo.boundaries import load_boundaries
from geo.names import DistrictMatcher, check_sites_within, load_aliases, match_column, normalise

SINDH = REPO.parent / "shared" / "boundaries" / "sindh_adm2.geojson"
ALIASES = REPO / "data" / "district_aliases.csv"
SITES = REPO / "data" / "sites.csv"
needs_shared = pytest.mark.skipif(not SINDH.exists(), reason="shared boundary files not present")

# Spellings named in shared/DOMAIN.md and the district they must resolve to.
DOMAIN_SPELLINGS = {
    "Mirpurkhas": "Mirpur Khas",
    "Mirpur Khas": "Mirpur Khas",
    "Umerkot": "Umerkot",
    "Umarkot": "Umerkot",
    "Naushahro Feroze": "Naushahro Feroze",
    "Naushero Feroz": "Naushahro Feroze",
    "Shaheed Benazirabad": "Shaheed Benazirabad",
    "Nawabshah": "Shaheed Benazirabad",
    "Qambar Shahdadkot": "Kambar Shahdadkot",
    "Kambar Shahdad Kot": "Kambar Shahdadkot",
    "Tharparkar": "Tharparkar",
    "Thar": "Tharparkar",
    "Thatta": "Thatta",
    "Hyderabad": "Hyderabad",
    "Larkana": "Larkana",
    "Sanghar": "Sanghar",
    "Shikarpur": "Shikarpur",
    "Khairpur": "Khairpur",
    "Jamshoro": "Jamshoro",
    "Matiari": "Matiari",
}


@pytest.fixture(scope="module")
def districts():
    return load_boundaries(SINDH)


@pytest.fixture(scope="module")
def matcher(districts):
    return DistrictMatcher(districts["district"], load_aliases(ALIASES))


def test_normalise_collapses_separators():
    assert normalise("Mirpur-Khas") == normalise(" mirpur  khas") == normalise("Mirpur Khas") == "mirpur khas"
    assert normalise("Tando Allah-Yar.") == "tando allah yar"
    assert normalise(None) == "" and normalise(float("nan")) == ""


@needs_shared
def test_every_alias_in_table_resolves(matcher):
    table = pd.read_csv(ALIASES)
    assert matcher.issues == []
    for alias, district in zip(table["alias"], table["district"]):
        assert matcher.match(alias) == district, alias


@needs_shared
@pytest.mark.parametrize("written,expected", sorted(DOMAIN_SPELLINGS.items()))
def test_domain_spellings_resolve(matcher, written, expected):
    assert matcher.match(written) == expected
    assert matcher.match(written.upper().replace(" ", "-")) == expected


@needs_shared
def test_no_fuzzy_guessing_but_suggestions(matcher):
    assert matcher.match("Hyderbad") is None
    assert "Hyderabad" in matcher.suggest("Hyderbad")
    assert matcher.match("Karachi") is None  # a city of seven districts, not one


@needs_shared
def test_unknown_name_is_reported_with_file_line_and_name(matcher):
    df = pd.DataFrame({"place": ["a", "b", "c"], "district": ["Mirpurkhas", "Hyderbad", "Sanghar"]})
    out, issues = match_column(df, "district", matcher, file="data/sites.csv")
    assert list(out["district"]) == ["Mirpur Khas", "Sanghar"]
    assert len(issues) == 1
    issue = issues[0]
    assert issue.file == "data/sites.csv" and issue.row == 3 and issue.value == "Hyderbad"
    assert "Hyderbad" in issue.message
    assert "did you mean Hyderabad" in issue.hint and "district_aliases.csv" in issue.hint
    assert "sites.csv, line 3" in str(issue)


@needs_shared
def test_empty_name_and_missing_column(matcher):
    out, issues = match_column(pd.DataFrame({"district": [None]}), "district", matcher, "x.csv", first_line=5)
    assert out.empty and issues[0].row == 5
    with pytest.raises(DataFileError):
        match_column(pd.DataFrame({"d": ["Thatta"]}), "district", matcher, "x.csv")


@needs_shared
def test_alias_to_unknown_district_is_an_issue(districts):
    m = DistrictMatcher(districts["district"], {"Karachi": "Karachi City"})
    assert m.match("Karachi") is None
    assert len(m.issues) == 1 and "Karachi City" in m.issues[0].message


def test_malformed_alias_rows(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,district,note\nThar,Tharparkar,ok\n,Thatta,no alias\nThar,Thatta,conflict\n")
    issues = []
    aliases = load_aliases(path, issues)
    assert aliases == {"thar": "Tharparkar"}
    assert [i.row for i in issues] == [3, 4]
    with pytest.raises(DataFileError):
        load_aliases(path)  # without an issues list, problems are raised, not lost
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("name,target\nThar,Tharparkar\n")
    with pytest.raises(DataFileError) as err:
        load_aliases(bad_header)
    assert "alias" in err.value.issue.message


@needs_shared
def test_every_real_site_lies_in_its_district(districts, matcher):
    sites, issues = match_column(pd.read_csv(SITES), "district", matcher, "data/sites.csv")
    assert issues == []
    assert check_sites_within(sites, districts, "data/sites.csv") == []


@needs_shared
def test_site_outside_its_district_warns_with_the_containing_one(districts):
    sites = pd.DataFrame(
        {"district": ["Thatta", "Sanghar"], "lat": [25.3960, 26.0464], "lon": [68.3578, 68.9481]}
    )
    issues = check_sites_within(sites, districts, "data/sites.csv")
    assert len(issues) == 1
    assert issues[0].severity == "warning" and issues[0].row == 2
    assert "Thatta" in issues[0].message and "Hyderabad" in issues[0].message
