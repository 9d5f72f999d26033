"""transcripts: what was said in each voice note of a day, redacted like typed text."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult

from ..core.anonymized_messages.anonymize import Anonymizer
from ..core.anonymized_messages.media import day_voice_notes
from ..core.anonymized_messages.pseudonyms import without
from ..core.journal import fingerprint
from ..core.languages import likely_language
from ..core.speech import is_audio
from ..core.tables import day_messages, group_transcripts, transcripts_table
from ..core.transcripts import day_transcripts
from ..partitions import daily_asset
from ..resources import ChainSettings, HomeResource, TranscriberResource, WarehouseResource
from .anonymized_messages import anonymized_messages
from .common import each_partition, partition_keys

CODE_VERSION = "transcripts-1"


@daily_asset(
    code_version=CODE_VERSION,
    deps=[anonymized_messages],
    group_name="ingest",
    kinds={"duckdb"},
    pool="llm",
)
def transcripts(
    context: AssetExecutionContext,
    home: HomeResource,
    settings: ChainSettings,
    staging: WarehouseResource,
    warehouse: WarehouseResource,
    transcriber: TranscriberResource,
) -> MaterializeResult:
    """Voice notes and audio attachments transcribed once per audio and engine, names and numbers
    redacted before they are stored; without an engine, a status saying so."""
    engine = transcriber.transcriber()
    # Real names are needed to redact what was said, and live only in the staging database.
    with staging.get_connection(on_wait=context.log.info) as raw:
        people = Anonymizer(raw, home.paths, settings.opt_out)
        privacy = {g: people.of(g) for g in {g for g, _ in partition_keys(context)}}
    heard = [0]

    def compute(db, group: str, day: date) -> tuple[str, dict, dict]:
        (state, gone), messages = privacy[group], day_messages(db, group, day)
        voiced = {m.id: m.attachment for m in messages if m.attachment and is_audio(m.attachment)}
        hint = settings.group(group).language or likely_language([m.text for m in messages if m.kind == "text"])
        found, now = day_transcripts(
            day_voice_notes(home.paths, group, day, voiced, state.secret),
            engine,
            language=hint,
            roster=without(state.roster, gone),
            known=db.memo(("transcripts", group), lambda: group_transcripts(db, group)),
            group=group,
            day=day,
        )
        heard[0] += now
        rows = transcripts_table(found)
        facts = {"voice_notes": len(found), "transcribed": sum(t.status == "ok" for t in found)}
        return fingerprint(rows.to_pylist()), facts, {"transcripts": rows}

    return each_partition(
        context,
        warehouse,
        compute,
        identity=lambda g, _: (engine.name if engine else "none", people.identity(g)),
        after=lambda _: {"engine": engine.name if engine else "none", "heard_now": heard[0]},
    )
