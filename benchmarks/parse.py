"""Parse benchmark: a 1,000,000-message Android export, our reader against whatstk.

    python benchmarks/parse.py [--messages N] [--no-record]

Generates the export once (deterministically) into benchmarks/_data/, as .txt and as a
WhatsApp-style .zip, then measures each step in its own subprocess so that peak memory
(ru_maxrss) belongs to that step alone:
  parse    read_export() of the .txt (decode, split, dates, kinds, Arrow table), and of the .zip
  store    pseudonymize (anonymized_messages.anonymize) + insert into a DuckDB file
  whatstk  whatstk 0.9.1 with the header format given (the `bench` extra), same .txt
Parse steps run --repeat times (median reported): this 2-core machine is shared and noisy.
Prints a table and appends a dated section to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing
DATA = HERE / "_data"
RESULTS = HERE / "RESULTS.md"
HFORMAT = "%d/%m/%Y, %H:%M - %name:"

_WORDS = [
    "the",
    "a",
    "we",
    "you",
    "it",
    "is",
    "to",
    "of",
    "and",
    "in",
    "that",
    "for",
    "on",
    "with",
    "this",
    "was",
    "are",
    "at",
    "be",
    "have",
    "not",
    "but",
    "what",
    "all",
    "so",
    "can",
    "one",
    "there",
    "my",
    "just",
    "like",
    "up",
    "out",
    "about",
    "get",
    "if",
    "will",
    "some",
    "time",
    "know",
    "good",
    "now",
    "see",
    "que",
    "não",
    "de",
    "um",
    "para",
    "com",
    "uma",
    "os",
    "no",
    "se",
    "na",
    "por",
    "mais",
    "as",
    "dos",
    "como",
    "mas",
    "foi",
    "ao",
    "ele",
    "das",
    "tem",
    "à",
    "seu",
    "sua",
    "ou",
    "ser",
    "quando",
    "muito",
    "há",
    "nos",
    "já",
    "está",
    "eu",
    "também",
    "só",
    "pelo",
    "pela",
    "até",
    "isso",
    "ela",
    "entre",
    "era",
    "depois",
    "amanhã",
    "reunião",
    "café",
    "ótimo",
    "obrigado",
    "açaí",
    "😂",
    "👍",
    "❤️",
    "🎉",
    "ok",
    "kkk",
    "haha",
]
_NAMES = [
    "Ana Souza",
    "Bruno",
    "Carla Mendes",
    "Daniel",
    "Érica Lima",
    "Fábio",
    "Gabi 🌸",
    "Heitor",
    "Iara",
    "João Pedro",
    "Karen",
    "Luís",
    "Mariana",
    "Nando",
    "Otávio",
    "Paula Ribeiro",
    "Quésia",
    "Rafa",
    "Sônia",
    "Tiago-Martins",
    "+55 11 91234-5678",
    "+1 (555) 010-2030",
    "Ursula",
    "Vitor",
    "Wagner",
    "Xuxa",
    "Yasmin",
    "Zé",
    "Mãe",
    "Tio Beto",
]
_SITES = ["https://example.com/a/", "https://news.example.org/2021/", "http://t.co/", "https://youtu.be/"]


def generate(path: Path, messages: int, seed: int = 20261122) -> None:
    """Write a realistic Android export: multi-line, media, system lines, URLs, emoji."""
    rng = random.Random(seed)
    moment = datetime(2021, 3, 1, 7, 0)
    out: list[str] = []
    for n in range(messages):
        moment += timedelta(seconds=rng.choice((0, 5, 20, 30, 60, 60, 120, 600)))
        head = moment.strftime("%d/%m/%Y, %H:%M - ")
        roll = rng.random()
        if roll < 0.01:
            a, b = rng.sample(_NAMES, 2)
            out.append(head + rng.choice((f"{a} added {b}", f"{a} left", f'{a} changed the subject to "{b}"')))
            continue
        author = rng.choice(_NAMES)
        if roll < 0.04:
            text = "<Media omitted>"
        elif roll < 0.06:
            text = f"IMG-{moment:%Y%m%d}-WA{n % 10000:04d}.jpg (file attached)"
        elif roll < 0.065:
            text = "This message was deleted"
        else:
            text = _sentence(rng)
            if roll < 0.16:
                text += " " + rng.choice(_SITES) + f"{rng.getrandbits(40):x}"
            elif roll < 0.163:
                text += " <This message was edited>"
            if roll > 0.94:  # multi-line, sometimes with a line that looks like a date
                extra = [_sentence(rng) for _ in range(rng.randint(1, 3))]
                if roll > 0.99:
                    extra.append(f"{moment:%d/%m/%Y} {rng.randint(1, 12)}h no bar")
                text += "\n" + "\n".join(extra)
        out.append(f"{head}{author}: {text}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def generate_source(path: Path, source: str, messages: int, seed: int = 20261207) -> None:
    """The same kind of conversation as another source's export: Telegram Desktop's result.json,
    DiscordChatExporter's JSON or WhatsApp-Chat-Exporter's result.json, with replies (one in 8),
    reactions (one in 6), media (one in 30) and notices (one in 100)."""
    rng = random.Random(seed)
    moment = datetime(2021, 3, 1, 7, 0)
    out: list[dict] = []
    for n in range(messages):
        moment += timedelta(seconds=rng.choice((0, 5, 20, 30, 60, 60, 120, 600)))
        person = rng.randrange(len(_NAMES))
        text = _sentence(rng)
        reply = str(n - rng.randint(1, 20)) if n > 20 and n % 8 == 0 else None
        likes = rng.randint(1, 5) if n % 6 == 0 else 0
        media, notice = n % 30 == 0, n % 100 == 1
        out.append(_SOURCE_MESSAGE[source](n, moment, person, text, reply, likes, media, notice))
    if source == "telegram":
        document: object = {"name": "Benchmark", "type": "private_supergroup", "id": 1, "messages": out}
    elif source == "discord":
        document = {
            "guild": {"id": "1", "name": "Benchmark"},
            "channel": {"id": "2", "name": "general"},
            "messages": out,
            "messageCount": len(out),
        }
    else:
        document = {"120363000000000000@g.us": {"name": "Benchmark", "messages": {m["key_id"]: m for m in out}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _telegram(n, moment, person, text, reply, likes, media, notice) -> dict:
    if notice:
        return {
            "id": n,
            "type": "service",
            "date": moment.isoformat(),
            "actor": _NAMES[person],
            "actor_id": f"user{person}",
            "action": "invite_members",
            "members": [_NAMES[0]],
            "text": "",
        }
    m = {
        "id": n,
        "type": "message",
        "date": moment.isoformat(),
        "date_unixtime": str(int(moment.timestamp())),
        "from": _NAMES[person],
        "from_id": f"user{1000 + person}",
        "text": [text[:20], {"type": "bold", "text": text[20:]}] if n % 10 == 0 else text,
    }
    if reply:
        m["reply_to_message_id"] = int(reply)
    if likes:
        m["reactions"] = [{"type": "emoji", "count": likes, "emoji": "👍", "recent": [{"from": _NAMES[0]}]}]
    if media:
        m["photo"] = f"photos/photo_{n}@01-03-2021_07-00-00.jpg"
    return m


def _discord(n, moment, person, text, reply, likes, media, notice) -> dict:
    return {
        "id": str(n),
        "type": "GuildMemberJoin" if notice else "Reply" if reply else "Default",
        "timestamp": moment.isoformat() + ".000+00:00",
        "timestampEdited": None,
        "content": text,
        "author": {"id": str(1000 + person), "name": _NAMES[person].lower(), "nickname": _NAMES[person]},
        "attachments": [{"id": "1", "url": f"https://cdn/x/IMG_{n}.jpg", "fileName": f"IMG_{n}.jpg"}] if media else [],
        "reactions": [{"emoji": {"id": "", "name": "👍"}, "count": likes}] if likes else [],
        "mentions": [],
        **({"reference": {"messageId": reply}} if reply else {}),
    }


def _whatsapp_db(n, moment, person, text, reply, likes, media, notice) -> dict:
    return {
        "from_me": person == 0,
        "timestamp": moment.timestamp(),
        "time": moment.strftime("%H:%M"),
        "media": media,
        "key_id": str(n),
        "meta": notice,
        "data": f"Media/IMG_{n}.jpg" if media else text,
        "sender": None if person == 0 else _NAMES[person],
        "reply": reply,
        "reactions": {_NAMES[k]: "👍" for k in range(likes)},
    }


_SOURCE_MESSAGE = {"telegram": _telegram, "discord": _discord, "whatsapp-db": _whatsapp_db}


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(_WORDS, k=rng.randint(4, 22)))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def step_parse(export: Path, table_path: Path) -> dict:
    import pyarrow as pa

    from egregora_assets.core.raw_exports.archive import read_export

    start, cpu = time.perf_counter(), time.process_time()
    parsed = read_export(export)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    with pa.OSFile(str(table_path), "wb") as sink:  # hand the table to the store step
        with pa.ipc.new_file(sink, parsed.chat.messages.schema) as writer:
            writer.write_table(parsed.chat.messages)
    return {"seconds": seconds, "rows": parsed.chat.messages.num_rows, "what": f"cpu {cpu:.2f} s;"}


def step_store(table_path: Path, db_path: Path) -> dict:
    import duckdb
    import pyarrow as pa

    with pa.memory_map(str(table_path)) as source:
        messages = pa.ipc.open_file(source).read_all()
    try:
        from egregora_assets.core.anonymized_messages.anonymize import anonymize
        from egregora_assets.core.anonymized_messages.pseudonyms import build_roster
    except ImportError:
        anonymize = build_roster = None
    try:  # DuckDB imports pandas (~0.35 s) on its first Arrow scan: an import, untimed like the above
        import pandas  # noqa: F401
    except ImportError:
        pass
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    if anonymize is not None:
        names = messages["author"].unique().drop_null().to_pylist()
        secret = b"benchmark-secret-0123456789abcdef"
        roster = build_roster(secret, "bench", names)
        messages = anonymize(messages, group="bench", roster=roster, secret=secret)
    anonymized = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE messages AS SELECT * FROM messages")
    con.close()
    end = time.perf_counter()
    if anonymize is None:
        what = "DuckDB insert only (anonymize missing)"
    else:
        what = f"anonymize {anonymized - start:.2f} s + DuckDB insert {end - anonymized:.2f} s"
    return {"seconds": end - start, "rows": messages.num_rows, "what": what}


def step_whatstk(export: Path) -> dict:
    from whatstk.whatsapp.parser import df_from_whatsapp

    start = time.perf_counter()
    df = df_from_whatsapp(str(export), auto_header=False, hformat=HFORMAT, max_size=None)
    return {"seconds": time.perf_counter() - start, "rows": len(df)}


def _run_step(*args: str, repeat: int = 1) -> dict:
    """Run one step in fresh interpreters; peak RSS is that step's alone, time the median."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, __file__, "--step", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result = min(runs, key=lambda r: r["seconds"]) | {"seconds": statistics.median(r["seconds"] for r in runs)}
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    if repeat > 1:
        times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        result["what"] = (result.get("what", "") + f" median of {repeat}: {times}").strip()
    return result


def _zipped(export: Path) -> Path:
    """The export as WhatsApp's Android share sheet makes it: a zip holding the chat."""
    target = export.with_suffix(".zip")
    if not target.exists():
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(export, "WhatsApp Chat with Benchmark.txt")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each parse step")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--note", default="", help="what changed since the last run, for RESULTS.md")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        name, *paths = args.step
        step = {"parse": step_parse, "store": step_store, "whatstk": step_whatstk}[name]
        result = step(*map(Path, paths))
        print(json.dumps({**result, "peak_mb": _peak_mb()}))
        return
    export = DATA / f"android_{args.messages}.txt"
    if not export.exists():
        print(f"generating {export} ...", flush=True)
        generate(export, args.messages)
    load = os.getloadavg()[0]
    table, db = DATA / "parsed.arrow", DATA / "store.duckdb"
    zipped = _zipped(export)
    sources = []
    for source in _SOURCE_MESSAGE:  # each adapter on the same number of messages, beside the .txt
        path = DATA / f"{source}_{args.messages}.json"
        if not path.exists():
            print(f"generating {path} ...", flush=True)
            generate_source(path, source, args.messages)
        sources.append(
            (f"egregora parse, {source} JSON", _run_step("parse", str(path), str(table), repeat=args.repeat))
        )
    rows = [
        *sources,
        ("egregora parse, .zip", _run_step("parse", str(zipped), str(table), repeat=args.repeat)),
        ("egregora parse, .txt", _run_step("parse", str(export), str(table), repeat=args.repeat)),
        ("egregora store", _run_step("store", str(table), str(db))),
        ("whatstk 0.9.1, format given", _run_step("whatstk", str(export))),
    ]
    report = _table(export, rows, load)
    print(report)
    if not args.no_record:
        _record(report, args.note)


def _table(export: Path, rows: list[tuple[str, dict]], load: float) -> str:
    size = export.stat().st_size / 1e6
    lines = [
        f"Export: {export.name}, {size:.0f} MB, 1,000,000-message Android export. Peak RSS is",
        "per step (one subprocess each, including the interpreter and imports). Goals: parse",
        f"<= 3 s, store <= 5 s, <= 1 GB. Load average when started: {load:.2f} (shared machine).",
        "",
        "| step | wall time | peak RSS | rows | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in rows:
        if "error" in r:
            lines.append(f"| {name} | failed | | | {r['error']} |")
        else:
            lines.append(
                f"| {name} | {r['seconds']:.2f} s | {r['peak_mb']:.0f} MB | {r['rows']:,} | {r.get('what', '')} |"
            )
    return "\n".join(lines)


def _machine() -> str:
    """Cores, memory and Python of this machine, for the section title."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30)
    return f"{os.cpu_count()}-core / {memory:.0f} GiB, Python {sys.version.split()[0]}"


def _record(report: str, note: str = "") -> None:
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n")
    today = datetime.now().date().isoformat()
    with RESULTS.open("a") as f:
        f.write(f"\n## Parse, {today} ({_machine()})\n\n{note + chr(10) * 2 if note else ''}{report}\n")


if __name__ == "__main__":
    main()
