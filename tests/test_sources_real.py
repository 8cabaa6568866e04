"""The readers on the real reference datasets, checked against the documented facts.

Marked ``realdata``: they fetch every source from the reference-data mirror
(``APPELLATE_SHARED_DATA``, or ../shared/data beside the project) and are skipped, with the
reason, when it is absent.
"""

import pandas as pd
import pytest

import toolkit
from toolkit.sources import auburn, fjc_judges, greene, scdb, songer

pytestmark = pytest.mark.realdata


def _balanced(data):
    summary = data.ledger_summary()
    assert (summary["read"] == summary["kept"] + summary["excluded"]).all(), summary


def test_scdb_releases(real_raw):
    raw = real_raw / "raw"
    new = scdb.read(raw_dir=raw, cache=False)
    assert new.meta["release"] == "2025_01"
    assert len(new.cases) == 9341
    assert len(new.votes) + 2031 == 83644  # 2,031 rows without a vote
    assert new.cases["year"].min() == 1946 and new.cases["year"].max() == 2024
    assert len(new.judges) == 40
    per_term = new.cases["year"].value_counts()
    assert [per_term[t] for t in (1946, 1990, 2010, 2024)] == [142, 129, 84, 64]
    outcome = new.cases["outcome"].astype(str).value_counts()
    assert outcome["affirmed"] == 2763 and outcome["reversed_remanded"] == 2546
    assert outcome["mixed"] == 76 + 170 and outcome["unknown"] == 1 + 135
    _balanced(new)
    old = scdb.read(release="2024_01", raw_dir=raw, cache=False)
    assert len(old.cases) == 9277 and old.votes is None
    assert old.cases["year"].max() == 2023
    lower = old.cases["lower_outcome"].astype(str).value_counts()
    assert lower["affirmed"] == 4219 and lower["remanded"] == 56 and lower["other"] == 67 + 60
    regional = pd.to_numeric(old.cases["caseSource"]).between(21, 32)
    assert regional.sum() == 5869
    disturbed = (
        old.cases.loc[regional, "outcome"]
        .astype(str)
        .isin(["reversed", "reversed_remanded", "vacated_remanded", "mixed", "vacated"])
    )
    assert round(disturbed.mean(), 3) == 0.658
    _balanced(old)


def test_scdb_votes_and_authors(real_raw):
    data = scdb.read(raw_dir=real_raw / "raw", cache=False)
    votes = data.votes["vote"].astype(str).value_counts()
    assert votes["majority"] == 58808 + 258 and votes["dissent"] == 14316 + 20 + 393
    assert votes["concurrence"] == 3188 + 3698
    authors = data.votes.groupby("case_id")["is_author"].sum()
    assert authors.max() == 1


def test_songer_files_weights_and_quirks(real_raw):
    data = songer.read(raw_dir=real_raw / "raw", cache=False)
    cases = data.cases
    cta02 = cases[cases["songer_file"] == "cta02"]
    cta96 = cases[cases["songer_file"] == "cta96"]
    assert len(cta02) == 2160 and len(cta96) == 1620
    assert cta02.groupby("year").size().eq(360).all()
    assert cta02.groupby("circuit", observed=True).size().eq(180).all()
    assert (cta96["circuit"] == "ca6").all()
    assert cta96["year"].min() == 1925 and cta96["year"].max() == 1996
    outcome = cta02["outcome"].astype(str).value_counts()
    assert outcome["affirmed"] == 1115 and outcome["dismissed"] == 156
    assert outcome["unknown"] == 6 + 60 and outcome["mixed"] == 64 + 187
    assert round((cta02["outcome"] == "affirmed").mean(), 3) == 0.516
    # the undocumented code 11 is said in the ledger
    undocumented = data.ledger[data.ledger["reason"].fillna("").str.contains("code 11")]
    assert undocumented["n_rows"].sum() == 60
    # two casenums belong to two cases each
    assert cta02["case_id"].str.contains(r":21006-\d$|:21140-\d$").sum() == 4
    assert not any(c in cases.columns for c in ("Circuit_Cases", "weighting"))
    # weights: published decisions in the circuit-year / sampled cases in it
    w1925 = cta96.loc[cta96["year"] == 1925, "weight"]
    assert w1925.nunique() == 1 and w1925.iloc[0] == pytest.approx(222 / 15)
    w1996 = cta96.loc[cta96["year"] == 1996, "weight"]
    assert w1996.iloc[0] == pytest.approx(404 / 30)
    assert (cta02["weight"] == 1).all()  # no totals for 1997-2002, said in the notes
    _balanced(data)


def test_songer_votes_link_to_auburn_judges(real_raw):
    data = songer.read(raw_dir=real_raw / "raw", cache=False)
    votes = data.votes
    assert votes.groupby("case_id").size().min() >= 1
    linked = votes["judge_id"].isin(data.judges["judge_id"]).mean()
    assert linked > 0.85
    assert any("link to a judge in the Auburn data" in n for n in data.meta["notes"])
    assert votes["by_designation"].any()
    first_seat = votes[votes["seat"] == 1]
    assert (first_seat["vote"] == "majority").all()
    dissents = votes[votes["vote"] == "dissent"].groupby("case_id").size()
    case_dissent = data.cases.set_index("case_id")["dissent"]
    agree = (case_dissent.reindex(dissents.index) >= 1).mean()
    assert agree > 0.95  # vote codes agree with the case-level dissent count


def test_auburn_and_fjc_judges(real_raw):
    a = auburn.read(raw_dir=real_raw / "raw", cache=False)
    appeals = a.ledger_summary().set_index("file").loc["auburn_appct_stata.dta"]
    assert appeals.tolist() == [677, 503, 174]
    assert a.judges["judge_id"].is_unique
    _balanced(a)
    f = fjc_judges.read(raw_dir=real_raw / "raw", cache=False)
    assert len(f.judges) == 3919 and f.judges["fjc_id"].is_unique
    alito = f.judges.set_index("fjc_id").loc[1377101]
    assert alito["court"] == "ca3"  # his court-of-appeals appointment is the one shown
    assert "scotus" in alito["courts"]
    service = fjc_judges.read_service(raw_dir=real_raw / "raw")
    appeals = service[service["court_type"] == "U.S. Court of Appeals"]
    assert len(appeals) == 857 and appeals["fjc_id"].nunique() == 830
    assert appeals["party"].value_counts().to_dict()["republican"] == 429
    _balanced(f)


def test_greene(real_raw):
    data = greene.read(raw_dir=real_raw / "raw", cache=False)
    assert len(data.cases) == 384
    assert (data.cases["outcome"] == "granted").sum() == 114
    per_judge = data.votes.merge(data.cases[["case_id", "outcome"]], on="case_id")
    counts = per_judge.groupby("judge_id").size()
    assert counts["MacGuigan"] == 70 and counts["Urie"] == 11
    rates = toolkit.reversal_rates(data, by="author", rule="appellant_win")
    marceau = rates.set_index("author").loc["Marceau"]
    assert (marceau["n"], marceau["n_reversed"]) == (25, 15)
    _balanced(data)


def test_load_and_validate_through_the_command_line(real_raw, monkeypatch, capsys):
    from toolkit.cli import main

    monkeypatch.setenv("APPELLATE_DATA", str(real_raw))
    assert main(["validate", "scdb"]) == 0
    assert "Ledger adds up: yes" in capsys.readouterr().out
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "scdb         yes" in out and "idb          no" in out
    for name in ("scdb", "songer", "greene", "auburn", "fjc_judges"):
        first = toolkit.load(name)
        cached = toolkit.load(name)  # from the Parquet cache
        pd.testing.assert_frame_equal(first.cases, cached.cases)


def test_fetch_from_the_mirror_on_the_command_line(mirror, tmp_path, monkeypatch, capsys):
    from toolkit.cli import main

    monkeypatch.setenv("APPELLATE_DATA", str(tmp_path))
    assert main(["fetch", "scdb", "--mirror", str(mirror)]) == 0
    assert main(["validate", "scdb"]) == 0
    assert "Ledger adds up: yes" in capsys.readouterr().out
