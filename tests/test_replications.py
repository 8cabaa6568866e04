"""The replication gallery, raw-code rules, SCDB source-court groups, report --set."""

import json
import shutil
import textwrap

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import toolkit
from toolkit import paths
from toolkit.cli import main
from toolkit.errors import MappingError, ToolkitError
from toolkit.notebook import check_parameters, notebook_parameters
from toolkit.outcomes import apply_rule, get_rule
from toolkit.replications import load_registry, replicate, replication_summary
from toolkit.reports import load_manifest, parse_settings, plan_jobs
from toolkit.schema import CaseData, conform
from toolkit.sources.scdb import source_court

ROOT = paths.home()

# ------------------------------------------------------------------ the registry


def test_the_shipped_registry_is_complete():
    registry = load_registry()
    ids = [p["id"] for p in registry]
    assert {"anesi_2019", "scotusblog_2014", "songer_icpsr_2086", "greene_1990"} <= set(ids)
    for pub in registry:
        assert pub["citation"] and pub["rank"] in ("primary", "secondary", "third_party")
        for fig in pub["figures"]:
            if fig.get("reproducible", True) is False:
                assert fig["reason"]
            else:
                assert fig["tolerance_reason"].strip() and fig["data"]["source"]


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(textwrap.dedent(text))


def test_a_malformed_registry_entry_names_its_file(tmp_path):
    _write(
        tmp_path,
        "bad",
        """
        id: bad
        citation: x
        rank: primary
        figures:
          - {id: f, title: t, counted: c, data: {source: greene}, measure: rate,
             expected: [{count: 1, n: 2}], tolerance: {cases: 1}}
        """,
    )
    with pytest.raises(MappingError, match="bad.yaml.*tolerance_reason"):
        load_registry(folder=tmp_path)
    _write(tmp_path, "bad", "id: other\ncitation: x\nrank: primary\nfigures: [{id: f}]\n")
    with pytest.raises(MappingError, match="differs from the file name"):
        load_registry(folder=tmp_path)
    with pytest.raises(ToolkitError, match="did you mean 'anesi_2019'"):
        load_registry(["anesi"])


# ------------------------------------------------------------------ replicate on tiny data

GREENE = """rownames,judge,nation,rater,decision,language,location,success
1,Able,X,no,yes,English,Toronto,0
2,Able,X,no,yes,English,Toronto,0
3,Able,X,no,yes,English,Toronto,0
4,Able,X,no,no,English,Toronto,0
5,Able,X,no,no,English,Toronto,0
6,Baker,X,no,yes,English,Toronto,0
7,Baker,X,no,no,English,Toronto,0
8,Baker,X,no,no,English,Toronto,0
9,Baker,X,no,no,English,Toronto,0
10,Baker,X,no,no,English,Toronto,0
"""

REGISTRY = """
id: tiny
citation: A tiny hand-made publication
rank: third_party
figures:
  - id: by_judge
    title: grants by judge
    counted: leave granted
    data: {source: greene}
    rule: disturbed
    measure: rate
    by: author
    total: both
    expected:
      - {group: Able, count: 3, n: 5}
      - {group: Baker, count: 2, n: 5}
      - {group: both, count: 5, n: 10}
    tolerance: {cases: 1, total_cases: 0}
    tolerance_reason: hand-made
  - id: overall
    title: overall share
    counted: leave granted
    data: {source: greene}
    rule: disturbed
    measure: rate
    expected:
      - {percent: 41.0}
    tolerance: {points: 0.5}
    tolerance_reason: hand-made
  - id: rows
    title: cases
    counted: rows
    data: {source: greene}
    measure: count
    expected:
      - {count: 10}
    tolerance: {cases: 0}
    tolerance_reason: hand-made
  - id: elsewhere
    title: not held here
    counted: something else
    reproducible: false
    reason: the data are elsewhere
"""

MISSING = """
id: missing
citation: A figure from a source not fetched
rank: primary
figures:
  - id: sample
    title: sample size
    counted: cases
    data: {source: songer}
    measure: count
    expected:
      - {count: 1}
    tolerance: {cases: 0}
    tolerance_reason: hand-made
"""


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path / "data"))
    raw = tmp_path / "data" / "raw" / "greene"
    raw.mkdir(parents=True)
    (raw / "Greene.csv").write_text(GREENE)
    _write(tmp_path / "registry", "tiny", REGISTRY)
    return tmp_path


def test_verdicts_by_hand_and_the_interval_against_statsmodels(tiny):
    frame = replicate(registry=tiny / "registry")
    rows = {(r.figure, r.group): r for r in frame.itertuples()}
    able = rows[("by_judge", "Able")]
    assert (able.count, able.n, able.verdict) == (3, 5, "exact")
    low, high = proportion_confint(3, 5, method="wilson")
    assert able.ci_low == pytest.approx(low) and able.ci_high == pytest.approx(high)
    baker = rows[("by_judge", "Baker")]  # 1 of 5 against a published 2 of 5: one case off
    assert (baker.count, baker.diff_count, baker.verdict) == (1, -1, "within tolerance")
    both = rows[("by_judge", "both")]  # the total allows no difference
    assert (both.count, both.n, both.verdict) == (4, 10, "outside")
    overall = rows[("overall", "all")]  # 40.0% against a published 41.0%: one point off
    assert overall.rate == pytest.approx(0.4) and overall.verdict == "outside"
    assert overall.diff_points == pytest.approx(-1.0)
    assert rows[("rows", "all")].verdict == "exact"
    assert rows[("elsewhere", "(whole figure)")].verdict == "not reproducible"
    summary = replication_summary(frame).set_index("figure")
    assert summary.loc["by_judge", "verdict"] == "outside"
    assert summary.loc["by_judge", ["exact", "within_tolerance", "outside"]].tolist() == [1, 1, 1]
    assert summary.loc["elsewhere", "verdict"] == "not reproducible"


def test_the_command_fails_only_on_outside_or_missing_data(tiny, capsys):
    registry = tiny / "registry"
    assert main(["replicate", "--registry", str(registry)]) == 1
    out = capsys.readouterr().out
    assert "3/5 60.0%" in out and "NOT REPRODUCIBLE: the data are elsewhere" in out
    assert "OUTSIDE: tiny/by_judge" in out
    good = REGISTRY.replace("count: 2, n: 5}", "count: 1, n: 5}").replace(
        "count: 5, n: 10", "count: 4, n: 10"
    )
    good = good.replace("percent: 41.0", "percent: 40.0")
    _write(registry, "tiny", good)
    assert main(["replicate", "--registry", str(registry)]) == 0
    _write(registry, "missing", MISSING)
    assert main(["replicate", "--registry", str(registry), "missing"]) == 1
    out = capsys.readouterr().out
    assert "DATA MISSING" in out and "appellate fetch songer" in out


# ------------------------------------------------------------------ rules keyed to raw codes


def _coded(codes, source="scdb"):
    table = {"2": "affirmed", "3": "reversed", "6": "mixed", "7": "mixed", "9": "dismissed"}
    cases = conform(
        pd.DataFrame(
            {
                "case_id": [f"c{i}" for i in range(len(codes))],
                "source": source,
                "outcome": [table[c] for c in codes],
                "outcome_raw": codes,
                "weight": 1.0,
            }
        ),
        "cases",
    )
    return CaseData(cases=cases, meta={"source": source})


def test_raw_rules_tell_apart_codes_that_share_an_outcome():
    data = _coded(["2", "3", "6", "7", "7", "9"])
    rule = {"name": "remand_only", "source": "scdb", "raw": {2: 0, 3: 0, 6: 0, 7: 1, 9: None}}
    flags = apply_rule(data, rule).cases["reversed"]
    assert flags.tolist() == [False, False, False, True, True, pd.NA]
    canonical = apply_rule(data, "disturbed").cases["reversed"]  # 6 and 7 both 'mixed'
    assert canonical.tolist()[2:5] == [True, True, True]
    press = {"raw": {2: 0, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1}, "otherwise": None}
    assert apply_rule(data, press).cases["reversed"].tolist() == canonical.tolist()
    assert apply_rule(data, rule).meta["rule"]["raw"]["7"] == 1


def test_raw_rules_refuse_uncovered_codes_other_sources_and_bare_outcomes():
    data = _coded(["2", "3", "9"])
    with pytest.raises(ToolkitError, match=r"raw code\(s\) '9'"):
        apply_rule(data, {"raw": {2: 0, 3: 1}})
    assert apply_rule(data, {"raw": {2: 0, 3: 1}, "otherwise": 0}).cases["reversed"].tolist() == [
        False,
        True,
        False,
    ]
    with pytest.raises(ToolkitError, match="keyed to scdb's codes"):
        apply_rule(_coded(["2"], source="songer"), {"source": "scdb", "raw": {2: 0}})
    with pytest.raises(ToolkitError, match="needs the cases' outcome_raw"):
        toolkit.reversal_rates(data, rule={"raw": {2: 0, 3: 1, 9: None}})
    with pytest.raises(ToolkitError, match="expected 1, 0 or None"):
        get_rule({"raw": {2: 5}})


# ------------------------------------------------------------------ SCDB source courts


def test_source_court_groups_follow_the_codebook():
    codes = pd.Series([21, 31, 32, 8, 41, 187, 300, 302, 1, 20, 400, None])
    assert source_court(codes).tolist()[:11] == [
        "ca1",
        "ca11",
        "cadc",
        "cafc",
        "district",
        "district",
        "state",
        "state",
        "other_federal",
        "other_federal",
        "other_federal",
    ]
    with pytest.raises(ToolkitError, match="undocumented caseSource"):
        source_court(pd.Series([999]))


# ------------------------------------------------------------------ report parameters


def test_settings_are_read_like_yaml_and_checked_like_the_manifest(tmp_path):
    assert parse_settings(["years=2007,2017", "rule=reversed", "anonymize_judges=true"]) == {
        "years": [2007, 2017],
        "rule": "reversed",
        "anonymize_judges": True,
    }
    assert parse_settings(["circuits=[ca2, ca9]", "mapping="]) == {
        "circuits": ["ca2", "ca9"],
        "mapping": None,
    }
    with pytest.raises(ToolkitError, match="NAME=VALUE"):
        parse_settings(["rule"])
    manifest = load_manifest(ROOT / "reports.yml")
    settings = parse_settings(["years=2005,2006", "rule=reversed"])
    jobs = plan_jobs(manifest, only=["circuits"], out_dir=tmp_path, settings=settings)
    assert jobs[0].parameters["years"] == [2005, 2006] and jobs[0].parameters["rule"] == "reversed"
    assert jobs[0].out.name == "circuits__years-2005-2006_rule-reversed"
    with pytest.raises(ToolkitError, match="weigthed: not a parameter") as e:
        plan_jobs(manifest, only=["circuits"], settings={"weigthed": True})
    assert "valid: data" in str(e.value)
    with pytest.raises(ToolkitError, match="did you mean 'circuits'"):
        plan_jobs(manifest, only=["circuits"], settings={"circuit": "ca9"})
    with pytest.raises(ToolkitError, match="ca14"):
        plan_jobs(manifest, only=["circuits"], settings={"circuits": "ca14"})
    # the gallery takes one more parameter of its own; the other notebooks refuse it
    assert plan_jobs(manifest, only=["replication"], settings={"publications": ["greene_1990"]})
    with pytest.raises(ToolkitError, match="publications: not a parameter"):
        plan_jobs(manifest, only=["overview"], settings={"publications": ["greene_1990"]})


def test_unknown_keys_are_refused_and_notebooks_found_by_name(tmp_path):
    with pytest.raises(ToolkitError, match="did you mean 'min_n'"):
        check_parameters({"min_m": 3})
    own = notebook_parameters(ROOT / "notebooks" / "replication.ipynb")
    assert own["publications"] is None and own["data"] == "demo"
    manifest = tmp_path / "reports.yml"  # a researcher's own folder: no notebooks/ beside it
    manifest.write_text("reports:\n  overview: {}\n")
    jobs = plan_jobs(load_manifest(manifest), out_dir=tmp_path / "out")
    assert jobs[0].notebook.name == "overview.ipynb" and jobs[0].notebook.exists()
    manifest.write_text("reports:\n  overveiw: {}\n")
    with pytest.raises(ToolkitError, match="overveiw: notebook not found"):
        plan_jobs(load_manifest(manifest))


def test_report_set_on_the_command_line_is_checked_before_any_kernel(capsys):
    code = main(["report", "--only", "circuits", "--set", "weigthed=true"])
    assert code == 1
    err = capsys.readouterr().err
    assert "weigthed: not a parameter of this report" in err and "'weighted'" in err


# ------------------------------------------------------------------ the reference data


@pytest.mark.realdata
def test_appellate_replicate_reproduces_every_registry_entry(mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path))
    assert main(["replicate", "--mirror", str(mirror)]) == 0
    out = capsys.readouterr().out
    assert "OUTSIDE" not in out and "DATA MISSING" not in out
    assert "12/24 50.0%" in out  # First Circuit, against the published 12/25
    assert "published rate inside the reproduced 95% interval: 16 of 16" in out
    assert "NOT REPRODUCIBLE: Only the Sixth Circuit" in out
    frame = replicate()
    summary = replication_summary(frame).set_index(["publication", "figure"])
    assert summary.loc[("songer_icpsr_2086", "sixth_circuit_1925_1960"), "verdict"] == "exact"
    assert summary.loc[("scdb_2024_01_counts", "votes_by_code"), "verdict"] == "exact"
    assert summary.loc[("greene_1990", "grant_rate"), "verdict"] == "exact"
    anesi = frame[frame["publication"] == "anesi_2019"]
    assert (anesi["diff_count"].abs() <= 3).all() and anesi["published_in_interval"].all()
    assert set(anesi["verdict"]) <= {"exact", "within tolerance"}


@pytest.mark.realdata
def test_scdb_groups_vote_codes_and_the_docket_file(real_raw, monkeypatch):
    monkeypatch.setenv("APPELLATE_DATA", str(real_raw))
    data = toolkit.load("scdb")
    cases = data.cases
    has_source = pd.to_numeric(cases["caseSource"], errors="coerce").notna()
    assert cases.loc[has_source, "source_court"].notna().all()
    assert cases.loc[~has_source, "source_court"].isna().all()
    circuit = cases["circuit"].notna()
    assert (cases.loc[circuit, "source_court"] == cases.loc[circuit, "circuit"].astype(str)).all()
    assert {"state", "district", "other_federal"} <= set(cases["source_court"].dropna())
    assert cases["source_court_label"].dropna().str.len().gt(0).all()
    votes = data.votes
    assert votes["vote_raw"].value_counts()["8"] == int(votes["vote"].isna().sum())
    excluded = data.ledger[
        (data.ledger["table"] == "votes") & (data.ledger["action"] == "excluded")
    ]
    assert sum(data.meta["not_participating_by_term"].values()) == int(excluded["n_rows"].sum())
    docket = toolkit.load("scdb", unit="docket")
    assert len(docket.cases) == 10_783 and docket.meta["unit"] == "docket"
    assert docket.cases["caseId"].nunique() == 9_277  # dockets decided together share a case


@pytest.mark.realdata
def test_datasets_is_truthful_after_a_mirror_fetch(mirror, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path))
    assert main(["fetch", "fjc_judges", "--mirror", str(mirror)]) == 0
    capsys.readouterr()
    assert main(["datasets"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("fjc_judges"))
    assert line.split()[1] == "yes"


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.skipif(not _chromium(), reason="chromium is not installed (apt-get install chromium)")
def test_the_gallery_builds_on_the_scdb_and_renders_in_a_browser(real_reports):
    """The gallery, and the time from argument to decision, on the SCDB, in Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not _chromium():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from test_browser import watch

    _, results = real_reports("scdb")  # every report, built once for the real-data tests
    results = [r for r in results if r.job.report in ("replication", "timing")]
    status = {r.job.report: r.status for r in results}
    assert status["replication"] == "ok", [r.error for r in results]
    assert status["timing"] in ("ok", "ok, with notes"), [r.error for r in results]
    folders = {r.job.report: r.job.out for r in results}
    summary = json.loads((folders["replication"] / "summary.json").read_text())
    assert summary["headline"]["outside"] == 0 and "anesi_2019" in summary["figures"]
    assert "First Circuit" in (folders["replication"] / "index.html").read_text()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        for folder in folders.values():
            figures = json.loads((folder / "summary.json").read_text())["figures"]
            page = browser.new_page()
            errors, outside = watch(page)
            page.goto((folder / "index.html").as_uri())
            page.wait_for_load_state("load")
            charts = page.locator(".appellate-chart")
            assert charts.count() == len(figures) > 0, folder
            for i in range(charts.count()):
                charts.nth(i).locator("svg, canvas").first.wait_for(timeout=20000)
            assert errors == [] and outside == [], (folder, errors, outside)
            page.close()
        browser.close()


@pytest.mark.realdata
def test_songer_votes_keep_their_raw_codes(real_raw, monkeypatch):
    monkeypatch.setenv("APPELLATE_DATA", str(real_raw))
    votes = toolkit.load("songer").votes
    first = votes["seat"] == 1  # the first listed judge has no vote columns: no raw code
    assert votes.loc[first, "vote_raw"].isna().all()
    coded = votes.loc[~first & votes["vote_raw"].notna()]
    mapped = coded["vote_raw"].map(
        {"1": "majority", "2": "dissent", "3": "concurrence", "4": "concurrence"}
    )
    assert (mapped.dropna() == coded.loc[mapped.notna(), "vote"].astype(str)).all()
    assert set(coded["vote_raw"]) >= {"1", "2"}
