"""transcripts: what was said in each voice note of a day, redacted like typed text."""

from datetime import date

from dagster import AssetExecutionContext, MaterializeResult

from ..core.anonymized_messages.anonymize import Anonymizer
from ..core.anonymized_messages.audit import Fields, Scope
from ..core.anonymized_messages.media import day_voice_notes
from ..core.anonymized_messages.pseudonyms import without
from ..core.home import Home
from ..core.journal import fingerprint
from ..core.languages import likely_language
from ..core.speech import is_audio
from ..core.tables import day_messages, group_transcript_texts, group_transcripts, groups_in, transcripts_table
from ..core.transcripts import day_transcripts, hearing
from ..core.warehouse import Database
from ..partitions import daily_asset
from ..resources import ChainSettings, HomeResource, TranscriberResource, WarehouseResource
from .anonymized_messages import anonymized_messages, journal_parts, privacy_check
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
            each=each,  # the `with` below binds it before any partition runs
        )
        heard[0] += now
        rows = transcripts_table(found)
        facts = {"voice_notes": len(found), "transcribed": sum(t.status == "ok" for t in found)}
        return fingerprint(rows.to_pylist()), facts, {"transcripts": rows}

    with hearing(engine, transcriber.concurrency) as each:
        return each_partition(
            context,
            warehouse,
            compute,
            identity=lambda g, _: (engine.name if engine else "none", people.identity(g)),
            after=lambda _: {"engine": engine.name if engine else "none", "heard_now": heard[0]},
        )


def transcript_scopes(db: Database, home: Home) -> list[Scope]:
    """Each group's stored transcripts, a part per day."""

    def scope(group: str) -> Scope:
        def read(days: list[str]) -> Fields:
            rows = group_transcript_texts(db, group, [date.fromisoformat(d) for d in days])
            return [(f"transcript:{message_id}", "text", text) for message_id, text in rows]

        return Scope(group, journal_parts(db, "transcripts", group), read)

    return [scope(g) for g in groups_in(db, "messages")]  # every group: its days without a note too


nothing_identifying_heard = privacy_check(
    transcripts,
    "nothing_identifying_heard",
    "No participant's real name, phone number or e-mail is left in any stored transcript of a voice note.",
    transcript_scopes,
)
