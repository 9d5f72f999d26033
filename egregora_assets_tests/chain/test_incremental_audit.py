"""The privacy audits read only what changed since they last passed (keyed on the journal's content
hashes and the group's roster), find a leak in what changed, and `egregora audit` reads it all."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pytest

from egregora_assets.assets.anonymized_messages import message_scopes
from egregora_assets.assets.atom_feed import published_scopes
from egregora_assets.assets.author_profiles import profile_scopes
from egregora_assets.cli import main
from egregora_assets.core.anonymized_messages.audit import Scope, audit, remember_stamps, remembered_stamps
from egregora_assets.core.home import Home
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets_tests.chain.test_write_plan import export, write

CHECKS = {
    "no_real_identities": message_scopes,
    "profiles_name_no_one": profile_scopes,
    "nothing_identifying_published": published_scopes,
}


def audited(home: Path, check: str, *, full: bool = False, scopes=None):
    paths = Home(home)
    with connect(duckdb_url(paths.staging), read_only=True) as raw, connect(duckdb_url(paths.warehouse)) as db:
        found = scopes or CHECKS[check](db, paths)
        return audit(raw, paths, check, found, None if full else remembered_stamps(paths, check))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    home = root / "home"
    write(export(root / "a", 1, 12), home)
    return root, home


def test_a_check_that_passed_reads_nothing_again_and_a_full_audit_reads_all(written):
    _, home = written
    for check in CHECKS:
        again, full = audited(home, check), audited(home, check, full=True)
        assert not again.findings and not full.findings
        assert full.parts_checked > 0 and full.fields_checked > 0 and full.parts_unchanged == 0
        # The feed is re-read only if its bytes differ; everything else passed unchanged.
        assert again.parts_checked == 0 and again.parts_unchanged == full.parts_checked, check
    stamps = Home(home).audit_stamps("no_real_identities").read_text(encoding="utf-8")
    assert "Mariana" not in stamps and "Costa" not in stamps  # keyed hashes only


def test_one_more_day_is_audited_alone(written, tmp_path):
    root, written_home = written
    home = tmp_path / "home"
    shutil.copytree(written_home, home)
    before = {check: remembered_stamps(Home(home), check) for check in CHECKS}
    write(export(tmp_path / "b", 1, 13), home)
    for check in CHECKS:
        now = audited(home, check)
        assert now.parts_checked == 0, check  # the run's own check passed and remembered day 13
        paths = Home(home)
        with connect(duckdb_url(paths.staging), read_only=True) as raw, connect(duckdb_url(paths.warehouse)) as db:
            since = audit(raw, paths, check, CHECKS[check](db, paths), before[check])
        total = since.parts_checked + since.parts_unchanged
        assert 0 < since.parts_checked < total, (check, since)  # what changed, not the whole history


def test_a_leak_in_a_changed_part_is_found_until_it_is_gone(written, tmp_path):
    _, written_home = written
    home = tmp_path / "home"
    shutil.copytree(written_home, home)
    paths, check = Home(home), "no_real_identities"
    clean = [("message:1", "text", "bom dia")]
    leaky = [("message:1", "text", "falei com a Mariana Costa ontem")]

    def scope(content: str, fields: list) -> list[Scope]:
        return [Scope("trilhas", {"2026-09-01": content, "2026-09-02": "same"}, lambda parts: fields * len(parts))]

    first = audited(home, check, scopes=scope("a", clean))
    remember_stamps(paths, check, first)
    assert audited(home, check, scopes=scope("a", leaky)).parts_checked == 0  # same hash: not read
    found = audited(home, check, scopes=scope("b", leaky))  # the day's content changed
    assert found.parts_checked == 1 and found.findings
    assert "Mariana" not in "\n".join(found.findings)  # what and where, never the value
    remember_stamps(paths, check, found)  # a failing audit remembers nothing new
    assert audited(home, check, scopes=scope("b", leaky)).findings
    assert audited(home, check, scopes=scope("b", clean)).parts_checked == 1
    # A part without a content hash is always read.
    unknown = [Scope("trilhas", {"2026-09-01": None}, lambda parts: leaky)]
    remember_stamps(paths, check, audited(home, check, scopes=unknown))
    assert audited(home, check, scopes=unknown).findings


def test_a_new_person_makes_every_part_audited_again(written, tmp_path):
    _, written_home = written
    home = tmp_path / "home"
    shutil.copytree(written_home, home)
    someone = "13/09/2026 10:00 - Mariana Costa adicionou Lukas Brandstätter\n"
    write(export(tmp_path / "c", 1, 12, someone), home)
    before = remembered_stamps(Home(written_home), "no_real_identities")
    paths = Home(home)
    with connect(duckdb_url(paths.staging), read_only=True) as raw, connect(duckdb_url(paths.warehouse)) as db:
        now = audit(raw, paths, "no_real_identities", message_scopes(db, paths), before)
    assert now.parts_unchanged == 0 and now.parts_checked > 10 and not now.findings


def test_egregora_audit_reads_everything(written):
    _, home = written
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["audit", "--home", str(home), "--json"]) == 0
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["findings"] == 0 and set(summary["checks"]) == {*CHECKS, "nothing_identifying_heard"}
    assert all(c["parts_checked"] > 0 and c["parts_unchanged"] == 0 for c in summary["checks"].values())


def test_egregora_audit_finds_what_was_changed_behind_the_journal(written, tmp_path):
    # A stored message edited outside the chain keeps its journal hash: the checks' stamps still
    # hold, so only the full audit reads it again, and finds it.
    _, written_home = written
    home = tmp_path / "home"
    shutil.copytree(written_home, home)
    with duckdb.connect(str(Home(home).warehouse)) as conn:
        conn.execute("UPDATE messages SET text = 'falei com Mariana Costa' WHERE id = (SELECT min(id) FROM messages)")
    assert not audited(home, "no_real_identities").findings
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["audit", "--home", str(home)]) == 1
    printed = out.getvalue() + err.getvalue()
    assert "a participant's real name" in printed and "Mariana" not in printed
