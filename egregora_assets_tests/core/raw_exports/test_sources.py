"""The adapters of other sources: each read by its content, with replies, reactions and ids, and
refused in one line when it is the wrong export or broken."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime

import pytest

from egregora_assets.core.models import BadExport
from egregora_assets.core.raw_exports.archive import read_export
from egregora_assets.core.raw_exports.parse import summary
from egregora_assets.core.raw_exports.staging import union_messages
from egregora_assets.core.raw_exports.whatsapp_db import ME
from egregora_assets_tests.sources import (
    atom_feed,
    discord_export,
    rss_feed,
    telegram_export,
    telegram_html,
    whatsapp_db_export,
    whatsapp_txt_of_db,
)


def rows(path):
    return read_export(path).chat.messages.to_pylist()


def by_source_id(path):
    return {r["source_id"]: r for r in rows(path)}


# --- Telegram --------------------------------------------------------------------------------


def test_telegram_reads_replies_reactions_and_ids(tmp_path):
    found = by_source_id(telegram_export(tmp_path))
    reply = found["3"]
    assert (reply["author"], reply["author_id"], reply["reply_to"]) == ("Rodrigo Lima", "user5559876543", "2")
    # Counts only: the names in `recent` (who reacted) are left out.
    assert json.loads(reply["reactions"]) == {"❤": 3, "custom_emoji": 1}
    assert "Helena" not in reply["reactions"]
    assert reply["message"] == "@\u2068Helena Duarte\u2069 que legal, eu levo o bolo"  # a mention_name entity


def test_telegram_entities_service_messages_and_media(tmp_path):
    found = by_source_id(telegram_export(tmp_path))
    assert found["2"]["message"] == "Oi @\u2068rodrigo.lima\u2069, a festa é sábado"  # the form feed is gone
    assert found["1"]["kind"] == "system" and found["1"]["author"] is None
    assert "@\u2068Marcos Vieira\u2069" in found["1"]["message"]  # a member who never writes is named
    assert (found["5"]["kind"], found["5"]["attachment"]) == ("media", None)  # a file not saved
    assert found["6"]["message"] == "[forwarded from @\u2068Marcos Vieira\u2069] olha isso"
    assert found["7"]["kind"] == "poll" and "OPTION: 8h (2 votes)" in found["7"]["message"]
    assert (found["8"]["kind"], found["8"]["message"]) == ("contact", "Marcos Vieira.vcf")  # no number
    assert found["9"]["kind"] == "edited" and "@\u2068helena_d\u2069" in found["9"]["message"]
    assert found["10"]["author"] == "Deleted Account"
    assert (found["11"]["author"], found["11"]["author_id"]) == ("Helena D.", "user5551234567")
    assert found["12"]["message"] == "😮 nossa"  # the custom emoji whose id was written unquoted


def test_telegram_summary_reports_what_the_source_carries(tmp_path):
    found = summary(read_export(telegram_export(tmp_path)))
    assert found["source"] == "telegram"
    assert found["replies"] == 11  # message 3 and every third of the day's 30
    assert found["reactions"] == 4 + 1 + 2 + 3 + 4 + 1 + 2  # ❤3 + custom 1, then 👍 on every fifth
    assert found["media"] == 1 and found["author_ids"] == 4


def test_the_same_export_valid_or_as_written_reads_alike(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    broken = rows(telegram_export(tmp_path / "a", broken=True))
    clean = rows(telegram_export(tmp_path / "b", broken=False))
    assert [r["message"] for r in broken] == [r["message"] for r in clean]


def test_telegram_html_export_says_how_to_get_the_json(tmp_path):
    with pytest.raises(BadExport, match="Telegram Desktop's HTML export.*Machine-readable JSON"):
        read_export(telegram_html(tmp_path))


def test_telegram_export_folder_zipped_is_read(tmp_path):
    source = telegram_export(tmp_path)
    path = tmp_path / "Telegram export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(source, "ChatExport_2026-10-03/result.json")
        archive.writestr("ChatExport_2026-10-03/photos/photo_1.jpg", b"\xff\xd8\xff")
    parsed = read_export(path)
    assert parsed.group_name == "Aniversário da Helena Duarte" and parsed.chat.format == "telegram"
    assert "ChatExport_2026-10-03/photos/photo_1.jpg" in parsed.media_members


def test_telegram_html_zipped_is_refused_the_same_way(tmp_path):
    page = telegram_html(tmp_path)
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(page, "ChatExport/messages.html")
    with pytest.raises(BadExport, match="HTML export"):
        read_export(path)


def test_whole_account_export_with_many_chats_is_refused(tmp_path):
    chat = json.loads(telegram_export(tmp_path, broken=False).read_text(encoding="utf-8"))
    path = tmp_path / "account.json"
    path.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": [chat, chat]}}))
    with pytest.raises(BadExport, match="2 chats: export one chat"):
        read_export(path)
    path.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": [chat]}}))
    assert read_export(path).chat.messages.num_rows > 30


# --- hostile or wrong JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"messages": [', "not valid JSON"),
        (b'{"hello": "world"}', "no format Egregora reads"),
        (b"[1, 2, 3]", "no format Egregora reads"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply|not valid JSON"),
        (
            b'{"name": "x", "type": "private_group", "messages": [{"id": 1, "text": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}]}",
            "JSON nested too deeply|not valid JSON",
        ),
        (
            b'{"name": "x", "type": "personal_chat", "messages": [{"id": 1, "date": "yesterday", "from": "A"}]}',
            "date cannot be read",
        ),
        (b'{"name": "x", "type": "personal_chat", "messages": []}', "no message"),
    ],
)
def test_bad_json_is_one_line(tmp_path, content, why):
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(BadExport, match=why) as caught:
        read_export(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("result.json: ")


def test_content_not_extension_decides(tmp_path):
    source = telegram_export(tmp_path)
    renamed = tmp_path / "chat.txt"
    renamed.write_bytes(source.read_bytes())
    assert read_export(renamed).chat.format == "telegram"


# --- Discord -----------------------------------------------------------------------------------


def test_discord_reads_authors_replies_attachments_and_reactions(tmp_path):
    found = by_source_id(discord_export(tmp_path))
    assert found["900"]["kind"] == "system"
    assert found["901"]["message"] == "Oi @\u2068Rodrigo Lima\u2069, a festa é sábado"
    assert (found["902"]["author"], found["902"]["reply_to"]) == ("Rodrigo Lima", "901")
    assert json.loads(found["902"]["reactions"]) == {"❤️": 3, "partyparrot": 1}
    assert found["903"]["kind"] == "edited"
    assert (found["904"]["kind"], found["904"]["attachment"]) == ("media", "IMG_2041.jpg")
    assert "<attached: mapa.pdf>" in found["904"]["message"]
    assert found["905"]["reply_to"] is None and found["905"]["kind"] == "system"  # a pin is no reply
    assert found["906"]["message"].startswith("pergunta pro @\u2068helena_d\u2069")
    carla = next(r for r in found.values() if r["author_id"] == "discord-80351110224678914")
    assert carla["author"] == "carlinha"  # no nickname: the user name
    parsed = read_export(discord_export(tmp_path))
    assert parsed.group_name == "Aniversário da Helena Duarte / geral"
    assert found["901"]["timestamp"] == datetime(2026, 10, 1, 9, 1)


def test_discord_html_export_is_refused(tmp_path):
    path = tmp_path / "channel.html"
    path.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><div class="chatlog__message">')
    with pytest.raises(BadExport, match="DiscordChatExporter's HTML export"):
        read_export(path)


# --- WhatsApp-Chat-Exporter --------------------------------------------------------------------


def test_whatsapp_db_reads_replies_reactions_and_the_phone_clock(tmp_path):
    found = by_source_id(whatsapp_db_export(tmp_path))
    first = found["3EB000000000"]
    # 10:00:17 at UTC-3 on the phone: the wall clock the .txt of the same chat shows.
    assert first["timestamp"] == datetime(2026, 10, 2, 10, 0, 17)
    assert json.loads(first["reactions"]) == {"👍": 2}  # reactors (a name, a number) left out
    assert found["3EB000000002"]["reply_to"] == "3EB000000001"
    assert found["3EB000000002"]["author"] == ME


def test_whatsapp_db_with_many_chats_is_refused(tmp_path):
    with pytest.raises(BadExport, match="holding 2 chats.*--per-chat"):
        read_export(whatsapp_db_export(tmp_path, chats=2))


def test_whatsapp_db_per_chat_file(tmp_path):
    assert read_export(whatsapp_db_export(tmp_path, per_chat=True)).chat.format == "whatsapp-db"


def test_txt_and_database_json_of_one_chat_merge_each_message_once(tmp_path):
    txt = read_export(whatsapp_txt_of_db(tmp_path)).chat.messages
    db = read_export(whatsapp_db_export(tmp_path)).chat.messages
    for tables in ([txt, db], [db, txt]):
        merged = union_messages(tables).to_pylist()
        assert len(merged) == txt.num_rows == db.num_rows
        assert {r["author"] for r in merged} == {"Helena Duarte", "+55 21 99876-5432", "Rodrigo Lima"}
        assert sum(r["reply_to"] is not None for r in merged) == 11
        assert sum(r["reactions"] is not None for r in merged) == 9


# --- feeds -------------------------------------------------------------------------------------


def test_atom_feed_entries_become_messages(tmp_path):
    parsed = read_export(atom_feed(tmp_path))
    found = {r["source_id"]: r for r in parsed.chat.messages.to_pylist()}
    first = found["tag:forum.example,2026:post-0"]
    assert parsed.group_name == "Fórum da Trilha" and parsed.chat.format == "feed"
    assert first["author"] == "Helena Duarte" and first["timestamp"] == datetime(2026, 10, 2, 10, 0)
    assert first["message"].startswith("Tópico 0\nvamos falar de bolo")
    assert "alert" not in first["message"] and "<" not in first["message"]  # tags and scripts dropped
    assert "@\u2068helena_d\u2069" in first["message"] and first["message"].endswith("https://forum.example/t/0")
    assert found["tag:forum.example,2026:post-2"]["reply_to"] == "tag:forum.example,2026:post-1"


def test_rss_feed_entries_become_messages(tmp_path):
    rows_ = rows(rss_feed(tmp_path))
    assert [r["author"] for r in rows_] == ["Rodrigo Lima", "Helena Duarte", "Rodrigo Lima"]
    assert [r["source_id"] for r in rows_] == ["news-0", "news-1", "news-2"]
    assert rows_[1]["timestamp"] == datetime(2026, 10, 3, 10, 0)


def test_a_feed_read_again_adds_only_new_entries(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = read_export(atom_feed(tmp_path / "a", entries=10)).chat.messages
    after = read_export(atom_feed(tmp_path / "b", entries=14)).chat.messages
    merged = union_messages([before, after])
    assert merged.num_rows == 14


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>',
            "no message",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title>'
            b"<pubDate>Fri, 02 Oct 2026 10:00:00 -0300</pubDate></item></channel></rss>",
            "",
        ),
        (b"<?xml version='1.0'?><svg></svg>", "not an Atom or RSS feed"),
        (b"<?xml version='1.0'?><feed><unclosed>", "not a well-formed feed"),
    ],
)
def test_hostile_or_wrong_feeds(tmp_path, content, why):
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    if not why:  # an external entity is never read
        assert "root:" not in json.dumps(rows(path), default=str)
        return
    with pytest.raises(BadExport, match=why):
        read_export(path)


def test_one_id_is_one_person_under_every_name(tmp_path):
    """A user renamed between two exports: both names, and the id typed in a message, get the
    id's pseudonym."""
    from egregora_assets.core.anonymized_messages.pseudonyms import roster_for
    from egregora_assets.core.anonymized_messages.redact import redact_text
    from egregora_assets.core.home import Home

    home = Home(tmp_path / "home")
    names = ["Helena Duarte", "Helena D.", "Rodrigo Lima"]
    ids = {"Helena Duarte": "user5551234567", "Helena D.": "user5551234567", "Rodrigo Lima": "user5559876543"}
    roster = roster_for(home, "g", names, save=False, ids=ids).roster
    assert roster.pseudonym("Helena Duarte") == roster.pseudonym("Helena D.") != roster.pseudonym("Rodrigo Lima")
    said = redact_text("fala com user5551234567 ou Helena D.", roster)
    assert "user5551234567" not in said and "Helena" not in said
    # The same ids in a later export, the names the other way round: the same pseudonyms.
    again = roster_for(home, "g", list(reversed(names)), save=False, ids=ids).roster
    assert again.pseudonym("Helena D.") == roster.pseudonym("Helena Duarte")
