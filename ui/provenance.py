"""The provenance the Methods page states, in the atlas's own words (catalogue text, translated like the rest).

The PROVENANCE.md files beside the data are the assemblers' working notes (hashes, commits, checks in
progress); what a reader needs from them — source, licence, year, coverage, known limits — is written
here, once, for each boundary file the atlas ships with and for the district context files.
"""

from __future__ import annotations

from ui.i18n import N_, _

FIELDS = (N_("Source"), N_("Licence"), N_("Year"), N_("Coverage"), N_("Known limits"))

_OSM_SOURCE = N_(
    "OpenStreetMap district boundaries (administrative level 6), gathered into the 2023 census district set by the "
    "open-source pakistan-map project; taken unchanged apart from removing zero-area slivers and repairing a few "
    "self-intersections."
)
_OSM_LICENCE = N_(
    "ODbL 1.0 — © OpenStreetMap contributors. Share-alike: credited on every map and export; a derived database "
    "published must be offered under the ODbL too."
)
_OSM_YEAR = N_("District set of the 2023 census (as on 1 March 2023); OpenStreetMap geometry of August 2026.")
_OSM_LIMITS = N_(
    "Not an official boundary. Simplified (about 25 m). Clipped to the OpenStreetMap coastline, which leaves out about "
    "5,000 km² of Indus delta creeks: Sindh measures 134,709 km² here against 140,914 km² published by PBS, so "
    "areas measured on this map are approximate. The Karachi West / Keamari line follows OpenStreetMap. No "
    "tehsil or taluka level."
)
_GB_SOURCE = N_("geoBoundaries gbOpen, Pakistan districts (ADM2), traced from a Wikipedia map.")
_GB_LICENCE = N_(
    "Public domain, as geoBoundaries' 2019 metadata states (its later metadata leaves the licence field empty). "
    "Cite: Runfola D. et al. (2020), geoBoundaries, PLoS ONE 15(4): e0231866."
)
_GB_YEAR = N_("2019 district set.")
_GB_LIMITS = N_(
    "Coarse geometry. For Sindh: no Larkana (it lies inside Qambar Shahdadkot), Karachi as one unit, Sujawal inside "
    "Thatta, no Keamari; Shaheed Benazirabad is named Nawabshah."
)

BOUNDARIES = {
    "sindh_adm2.geojson": (
        _OSM_SOURCE,
        _OSM_LICENCE,
        _OSM_YEAR,
        N_("The 30 districts of Sindh (Karachi in seven)."),
        _OSM_LIMITS,
    ),
    "pakistan_adm2.geojson": (
        _OSM_SOURCE,
        _OSM_LICENCE,
        _OSM_YEAR,
        N_("The 156 districts of Pakistan, including Azad Jammu & Kashmir and Gilgit-Baltistan."),
        _OSM_LIMITS,
    ),
    "sindh_adm2_geoboundaries2019.geojson": (
        _GB_SOURCE,
        _GB_LICENCE,
        _GB_YEAR,
        N_("22 units for Sindh."),
        _GB_LIMITS,
    ),
    "pakistan_adm2_geoboundaries2019.geojson": (
        _GB_SOURCE,
        _GB_LICENCE,
        _GB_YEAR,
        N_("126 districts of Pakistan."),
        _GB_LIMITS,
    ),
}

CONTEXT = (
    N_(
        "World Bank Data4Pakistan district estimates, built from Pakistan Bureau of Statistics surveys (HIES, PSLM; "
        "small-area estimation for the 2018 poverty rates) and the census; the files as published in the open-source "
        "PakIndicatorsApp, converted to UTF-8 and otherwise unchanged."
    ),
    N_(
        "The PakIndicatorsApp package that publishes the files is under the MIT licence; the figures are credited to "
        "the World Bank (Data4Pakistan) and PBS on every map and export."
    ),
    N_(
        "Survey rounds 2004–2014, every two years; provisional poverty rates for 2018. Each value shows its year."
    ),
    N_("24 Sindh survey districts, with Karachi City as one unit for the seven Karachi districts."),
    N_(
        "Estimates with sampling error: only the 2018 poverty rates come with one (Karachi's given as 0, so no "
        "interval). Years old: the newest full round for Sindh is 2014. The survey district set is older than the "
        "boundaries' (24 districts, not 30)."
    ),
)


def rows(texts: tuple[str, ...]) -> list[dict[str, str]]:
    """One row per field (source, licence, year, coverage, known limits), in the page's language."""
    return [{_("About"): _(field), _("What the atlas states"): _(text)} for field, text in zip(FIELDS, texts)]


def boundary_rows(file_name: str) -> list[dict[str, str]] | None:
    """The boundary file's provenance, or None for a file the atlas does not ship with."""
    texts = BOUNDARIES.get(file_name)
    return rows(texts) if texts else None
