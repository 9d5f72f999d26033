"""Anonymizing a day's messages: pseudonymous authors, PII replaced, opt-outs applied.

Pseudonyms and the home's secret live in `pseudonyms.py`; finding and replacing PII in
text (and the audit, `find_pii`) in `redact.py`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..home import Home
from ..notices import read_notice
from .pseudonyms import GroupPrivacy, Roster, name_key, subkey, without
from .redact import MAP_LINK_PREFILTER, MAP_URI_START, people_matcher, redact_text

if TYPE_CHECKING:
    from ..warehouse import Database

# The chat command syntax: "/egregora opt-out" or "/egregora opt-in", alone in a message.
COMMAND = r"(?i)^\s*/egregora\s+opt[- ]?(out|in)\s*$"
_COMMAND = re.compile(COMMAND)
_VCF = re.compile(r"(?i)(\s*)(?:[0-9]{8}-)?([^\n<>:/\\]+?)\.vcf\b")
UNREAD_NOTICE = "[notice]"  # what a system line Egregora cannot read becomes
_QUOTED = re.compile(r"[\"“«„]([^\"”»“\n]{1,200})[\"”»“]")

# --- opting out ----------------------------------------------------------------------------


def without_authors(messages: pa.Table, authors: set[str]) -> pa.Table:
    """The messages minus those written by `authors` (real names)."""
    if not authors:
        return messages
    keep = pc.invert(pc.fill_null(pc.is_in(messages["author"], pa.array(sorted(authors))), False))
    return messages.filter(keep)


def opt_outs(messages: pa.Table, configured: Iterable[str], *, roster: Roster | None = None) -> set[str]:
    """Raw names of everyone opted out at the end of the history (last chat command wins).

    `configured` names (real names or pseudonyms) are always out. With a roster, all the
    names of an opted-out person are returned, so aliases go too.
    """

    def person(name: str) -> str:
        return (roster.pseudonym(name) if roster else None) or name_key(name)

    configured = list(configured)
    wanted = {person(c) for c in configured}
    found = pc.fill_null(pc.match_substring_regex(messages["message"], COMMAND), False)
    commands = messages.filter(pc.and_(found, pc.is_valid(messages["author"])))
    last: dict[str, str] = {}
    for author, text in zip(commands["author"].to_pylist(), commands["message"].to_pylist()):
        if command := _COMMAND.match(text):
            last[person(author)] = command.group(1).lower()
    wanted |= {p for p, state in last.items() if state == "out"}
    authors = pc.unique(messages["author"].drop_null()).to_pylist()
    return {n for n in [*authors, *(roster.pseudonyms if roster else configured)] if person(n) in wanted}


# --- anonymize -----------------------------------------------------------------------------

# Two queries over the parsed rows: their ids, and the rows as stored before Python's part
# (published media names, and which rows the Python redaction must look at).
IDS_SQL = """
WITH keyed AS (SELECT *, hash(timestamp, author, message) AS h FROM src),
-- The occurrence number tells apart identical messages sent in the same second. Only rows
-- whose hash repeats can have a twin, so only they are numbered (by the fields themselves):
-- numbering all rows would sort them all.
twins AS (
    SELECT _row, row_number() OVER (PARTITION BY timestamp, author, message ORDER BY _row) - 1 AS n
    FROM keyed WHERE h IN (SELECT h FROM keyed GROUP BY h HAVING count(*) > 1)
)
SELECT _row, left(sha256($key || $group || chr(31) || CAST(epoch(date_trunc('second', timestamp)) AS BIGINT)
    || chr(31) || coalesce(author, chr(30)) || chr(31) || coalesce(message, '') || chr(31)
    || coalesce(n, 0)), 16) AS id
FROM keyed LEFT JOIN twins USING (_row)
"""
ROWS_SQL = """
WITH m AS (
    SELECT *, regexp_extract(attachment, '[^/\\\\]*$') AS base,
        coalesce(kind = 'contact' OR lower(attachment) LIKE '%.vcf', false) AS contact
    FROM src
), p AS (
    SELECT *, CASE WHEN attachment IS NULL OR contact OR base = '' THEN NULL ELSE
        'media-' || translate(left(sha256($key || base), 10), '0123456789abcdef', 'abcdefghijklmnop')
        || coalesce('.' || lower(nullif(regexp_extract(base, '\\.([A-Za-z0-9]{1,5})$', 1), '')), '')
        END AS published
    FROM m
), t AS (
    SELECT *, CASE WHEN published IS NULL THEN message
        ELSE replace(replace(message, attachment, published), base, published) END AS text
    FROM p
)
SELECT _row, $group AS "group", CAST(timestamp AS DATE) AS date,
    CAST(timestamp AS TIMESTAMP_S) AS timestamp, author, text, kind, published AS attachment,
    -- A source's message ids are keyed like everything else: a reply links to its message's ref.
    CASE WHEN source_id IS NULL THEN NULL ELSE left(sha256($refkey || $group || chr(31) || source_id), 16) END AS ref,
    CASE WHEN reply_to IS NULL THEN NULL ELSE left(sha256($refkey || $group || chr(31) || reply_to), 16) END
        AS reply_to,
    reactions,
    contact, author IS NULL AS system,
    coalesce(contact OR author IS NULL OR regexp_matches(text, $filter), false) AS python
FROM t
"""
# `pos` is the message's place in the day's export: an export gives minutes, so it is what keeps
# the messages of one minute in the order they were sent (ids are keyed hashes, in no order).
_OUTPUT = [
    "id",
    "group",
    "date",
    "timestamp",
    "author",
    "text",
    "kind",
    "attachment",
    "ref",
    "reply_to",
    "reactions",
    "pos",
]


def anonymize(messages: pa.Table, *, group: str, roster: Roster, secret: bytes) -> pa.Table:
    """Parsed messages as stored: keyed ids, pseudonymous authors, PII replaced in text and names."""
    for name in ("source_id", "reply_to", "reactions"):  # what only some sources carry
        if name not in messages.column_names:
            messages = messages.append_column(name, pa.nulls(messages.num_rows, pa.string()))
    columns = ["timestamp", "author", "message", "kind", "attachment", "source_id", "reply_to", "reactions"]
    src = messages.select(columns).append_column("_row", pa.array(np.arange(messages.num_rows, dtype=np.int64)))
    db = _database()
    with ThreadPoolExecutor(1) as pool:
        # Hashing every row is the slow part of the SQL: it runs on its own cursor meanwhile.
        ids = pool.submit(_query, db.cursor(), src, IDS_SQL, key=subkey(secret, "message"), group=group)
        keys = {"key": subkey(secret, "media"), "refkey": subkey(secret, "ref")}
        rows = _query(db.cursor(), src, ROWS_SQL, **keys, group=group, filter=_prefilter(roster))
        rows = _redact_rows(rows, roster).append_column("id", ids.result()["id"])
    authors = _pseudonyms(rows["author"], roster)
    rows = rows.set_column(rows.schema.get_field_index("author"), "author", authors)
    rows = rows.append_column("pos", rows["_row"].cast(pa.int32())).select(_OUTPUT)
    # Chunks of a DuckDB row group (zero-copy slices): an insert of one big chunk is single-threaded.
    return pa.Table.from_batches(rows.to_batches(max_chunksize=122_880), rows.schema)


def _query(cursor: duckdb.DuckDBPyConnection, src: pa.Table, sql: str, **params: str) -> pa.Table:
    """The query's rows over `src`, in the order of `src`."""
    with cursor:
        cursor.register("src", src)
        rows = cursor.execute(sql, params).arrow().read_all()
    if not pc.all(pc.equal(rows["_row"], src["_row"])).as_py():
        rows = rows.take(pc.sort_indices(rows["_row"]))
    return rows


_DATABASE: dict[int, duckdb.DuckDBPyConnection] = {}


def _database() -> duckdb.DuckDBPyConnection:
    # One in-memory DuckDB per process (connecting costs ~15 ms, and anonymize runs per day);
    # keyed by pid so a forked worker never shares its parent's threads.
    if os.getpid() not in _DATABASE:
        _DATABASE[os.getpid()] = duckdb.connect()
    return _DATABASE[os.getpid()]


def _pseudonyms(authors: pa.ChunkedArray, roster: Roster) -> pa.Array:
    """Each raw author's pseudonym (null stays null)."""
    names = pc.unique(authors.drop_null())
    pseudonyms = [roster.pseudonym(a) for a in names.to_pylist()]
    if None in pseudonyms:
        raise ValueError(f"{pseudonyms.count(None)} authors are missing from the roster")
    return pc.take(pa.array(pseudonyms, pa.string()), pc.index_in(authors, value_set=names))


def _prefilter(roster: Roster) -> str:
    """An RE2 pattern every message with something to redact matches (a cheap superset)."""
    people = people_matcher(roster, min_first=3).prefilter
    if people is None:
        return "(?s)."
    url = r"(?i:https?://|www\.)"
    parts = [
        "@",
        "(?i:/egregora)",
        # 8 digits in one run of digit groups (joined by " .-()"): shorter runs are left alone.
        r"[0-9](?:[ .()\-\x{00a0}\x{202f}\x{2010}-\x{2013}\x{2212}]{0,3}[0-9]){7}",
        # A latitude/longitude pair (see redact.COORDINATES_RE), in degrees too, and map links.
        r"[0-9]\.[0-9]{3,} ?, ?-?[0-9]{1,3}\.[0-9]{3}",
        "°",
        MAP_URI_START,
        MAP_LINK_PREFILTER,
        # A URL changes only through its query, fragment, percent-escapes, user info ("@",
        # above) or PII in its host and path, which the other parts find in the whole text.
        # (RE2's \s is ASCII only, so this URL class reaches at least as far as URL_RE's.)
        url + "[^\\s<>\"'`]*[?#%]",
        # redact_text cuts text at URLs: a name touching one ends its piece, though no word.
        r"\w" + url,
    ]
    return "|".join(parts + ([f"(?i:{people})"] if people else []))


def _redact_rows(rows: pa.Table, roster: Roster) -> pa.Table:
    """Run the Python redaction (and command detection) on the rows the SQL pre-filter flagged."""
    flagged = rows.filter(rows["python"])
    if not flagged.num_rows:
        return rows
    texts, kinds, done = [], [], {}
    columns = [flagged[c].to_pylist() for c in ("text", "kind", "contact", "system")]
    for text, kind, contact, system in zip(*columns):
        # Chat lines repeat ("X left", "kkk"): each distinct line is redacted once.
        key = (text, contact, system)
        if key not in done:
            done[key] = _redact_row(text, contact, system, roster)
        texts.append(done[key])
        kinds.append("command" if text and _COMMAND.match(text) else kind)
    mask = rows["python"].combine_chunks()
    # Rewriting a column copies all of it: only a column that changed is rewritten.
    for name, values, before in (("text", texts, columns[0]), ("kind", kinds, columns[1])):
        if values == before:
            continue
        column = pc.replace_with_mask(rows[name].combine_chunks(), mask, pa.array(values, pa.string()))
        rows = rows.set_column(rows.schema.get_field_index(name), name, column)
    return rows


def _redact_row(text: str | None, contact: bool, system: bool, roster: Roster) -> str | None:
    if text is None:
        return None
    if contact:  # a shared contact card: its name is someone's, maybe not a participant's
        text = _VCF.sub(lambda m: m.group(1) + (roster.pseudonym(m.group(2)) or "[contact]"), text)
    if system:
        if read_notice(text) is None:
            # A notice in words Egregora does not know may name anyone, in any position.
            return UNREAD_NOTICE
        text = _QUOTED.sub('"[group]"', text)  # notices quote the group's names
    return redact_text(text, roster)


class Anonymizer:
    """One step's anonymization: each group's privacy state and opt-outs, read once from the
    staging database (the whole history decides who opted out: the last command wins), then
    anonymized a day at a time, its media published."""

    def __init__(self, raw: Database, home: Home, opt_out: Iterable[str]) -> None:
        self.raw, self.home, self.opt_out = raw, home, list(opt_out)
        self._groups: dict[str, tuple[GroupPrivacy, set[str]]] = {}

    def of(self, group: str) -> tuple[GroupPrivacy, set[str]]:
        """The group's privacy state (new pseudonyms saved in the owner's map) and who opted out."""
        from ..tables import command_lines  # ibis: only where the staging database is read
        from .people import group_privacy

        if group not in self._groups:
            state = group_privacy(self.raw, self.home, group)
            gone = opt_outs(command_lines(self.raw, group), self.opt_out, roster=state.roster)
            self._groups[group] = state, gone
        return self._groups[group]

    def identity(self, group: str, _: object = None) -> tuple:
        """What every day of the group depends on besides its lines: who is who, who opted out."""
        state, gone = self.of(group)
        people = state.roster.pseudonyms
        return sorted(people.values()), sorted(people.get(n, n) for n in gone)

    def day(self, group: str, day: date) -> tuple[pa.Table, dict[str, int]]:
        """The day's messages as stored, and counts (messages, media published, opted out)."""
        from ..tables import day_raw_messages
        from .media import publish_day_media

        state, gone = self.of(group)
        messages = day_raw_messages(self.raw, group, day)
        kept = without_authors(messages, gone)
        rows = anonymize(kept, group=group, roster=without(state.roster, gone), secret=state.secret)
        media = publish_day_media(self.home, group, day, messages, state.secret)
        return rows, {
            "messages": rows.num_rows,
            "media_published": media,
            "opted_out_removed": messages.num_rows - kept.num_rows,
        }

    @property
    def participants(self) -> int:
        return sum(len(state.roster.pseudonyms) for state, _ in self._groups.values())
