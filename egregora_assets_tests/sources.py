"""Exports of other sources, built from their public descriptions (Telegram Desktop's result.json,
DiscordChatExporter's JSON, WhatsApp-Chat-Exporter's result.json), with the odd cases users
report, and real names, numbers, handles, ids and e-mails seeded where each source puts them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

# What must never leave `private/`: every name, handle, id, number and address seeded below.
PII = [
    "Helena Duarte",
    "Helena",
    "Duarte",
    "Rodrigo Lima",
    "Rodrigo",
    "Marcos Vieira",
    "Carla Mendes",
    "carlinha",
    "user5550001234",
    "helena_d",
    "rodrigo.lima",
    "user5551234567",
    "user5559876543",
    "80351110224678912",
    "99876-5432",
    "5521998765432",
    "helena.duarte@example.com",
    "Aniversário",
]
GROUP_NAME = "Aniversário da Helena Duarte"
TOPICS = ["bolo", "trilha", "mochila", "chuva", "ônibus", "lanterna", "água", "mapa"]
DAY = datetime(2026, 10, 2, 10, 0)


MUSIC = ["piano", "violão", "bateria", "ensaio", "palco", "baixo", "cantora", "microfone"]


def chatter(i: int, day: int = 0) -> str:
    """An ordinary line of the day's conversation (enough of them make a post offline); a second
    day speaks of something else."""
    if day % 2:
        return f"quem traz {MUSIC[i % 8]} e {MUSIC[(i + 3) % 8]} pro show de domingo, pessoal?"
    return f"vamos falar de {TOPICS[i % 8]} e {TOPICS[(i + 3) % 8]} para a trilha de sábado, combinado?"


# --- Telegram Desktop ------------------------------------------------------------------------

TELEGRAM_PEOPLE = [
    ("Helena Duarte", "user5551234567"),
    ("Rodrigo Lima", "user5559876543"),
    ("Carla Mendes", "user5550001234"),
]


def telegram_export(folder: Path, *, days: int = 1, broken: bool = True, across_days: bool = True) -> Path:
    """A single chat's result.json. With `broken`, the faults users report of real exports: a raw
    form feed inside a string, and a custom emoji's `document_id` written without quotes."""
    messages: list[dict] = [
        {
            "id": 1,
            "type": "service",
            "date": "2026-10-01T09:00:00",
            "date_unixtime": "1790856000",
            "actor": "Helena Duarte",
            "actor_id": "user5551234567",
            "action": "create_group",
            "title": GROUP_NAME,
            "members": ["Rodrigo Lima", "Marcos Vieira"],
            "text": "",
            "text_entities": [],
        },
        _tg(2, "2026-10-01T09:01:00", 0, ["Oi ", {"type": "mention", "text": "@rodrigo.lima"}, ", a festa é sábado"]),
        _tg(
            3,
            "2026-10-01T09:02:00",
            1,
            [{"type": "mention_name", "text": "Helena Duarte", "user_id": 5551234567}, " que legal, eu levo o bolo"],
            reply_to_message_id=2,
            reactions=[
                {
                    "type": "emoji",
                    "count": 3,
                    "emoji": "❤",
                    "recent": [{"from": "Helena Duarte", "from_id": "user5551234567"}],
                },
                {"type": "custom_emoji", "count": 1, "document_id": "5368324170671202286"},
            ],
        ),
        _tg(4, "2026-10-01T09:03:00", 0, "meu email é helena.duarte@example.com e o fone +55 21 99876-5432"),
        _tg(5, "2026-10-01T09:04:00", 1, "", photo="(File not included. Change data exporting settings to download.)"),
        _tg(6, "2026-10-01T09:05:00", 1, "olha isso", forwarded_from="Marcos Vieira"),
        _tg(
            7,
            "2026-10-01T09:06:00",
            0,
            "",
            poll={
                "question": "Que horas?",
                "closed": False,
                "total_voters": 2,
                "answers": [{"text": "8h", "voters": 2, "chosen": True}, {"text": "9h", "voters": 0, "chosen": False}],
            },
        ),
        _tg(
            8,
            "2026-10-01T09:07:00",
            1,
            "",
            contact_information={"first_name": "Marcos", "last_name": "Vieira", "phone_number": "+55 21 99876-5432"},
        ),
        _tg(9, "2026-10-01T09:08:00", 0, "meu id é user5551234567, me chama @helena_d", edited="2026-10-01T09:09:00"),
        _tg(10, "2026-10-01T09:10:00", None, "mensagem de conta apagada"),  # a deleted account: no name
        # The same id under a new name: one person, one pseudonym.
        {**_tg(11, "2026-10-01T09:11:00", 0, "mudei meu nome"), "from": "Helena D."},
        _tg(
            12, "2026-10-01T09:12:00", 1, [{"type": "custom_emoji", "text": "😮", "document_id": "__BARE__"}, " nossa"]
        ),
    ]
    for d in range(days):
        for i in range(30):
            when = DAY + timedelta(days=d, minutes=i)
            extra = {"reply_to_message_id": 1000 + d * 100 + i - 1} if i % 3 == 2 else {}
            if across_days and d and i == 1:  # an answer to the day before: the thread runs from its post to this day's
                extra = {"reply_to_message_id": 1000 + (d - 1) * 100 + 5}
            likes = [{"type": "emoji", "count": 1 + i % 4, "emoji": "👍"}] if i % 5 == 0 else []
            messages.append(
                _tg(
                    1000 + d * 100 + i,
                    when.isoformat(),
                    i % 3,
                    chatter(i, d) + (" Rodrigo?" if i % 4 == 0 else ""),
                    reactions=likes,
                    **extra,
                )
            )
    document = {"name": GROUP_NAME, "type": "private_supergroup", "id": 4201, "messages": messages}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if broken:
        text = text.replace('"document_id": "__BARE__"', '"document_id": video_files/sticker (2).webm')
        text = text.replace("a festa é sábado", "a festa\x0c é sábado")
    else:
        text = text.replace('"__BARE__"', '"5368324170671202287"')
    path = folder / "result.json"
    path.write_text(text, encoding="utf-8")
    return path


def _tg(id_: int, date: str, person: int | None, text, **fields) -> dict:
    who = (
        {"from": None, "from_id": "user5550000000"}
        if person is None
        else {"from": TELEGRAM_PEOPLE[person][0], "from_id": TELEGRAM_PEOPLE[person][1]}
    )
    entities = [{"type": "plain", "text": text}] if isinstance(text, str) else text
    stamp = str(int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp()))
    message = {"id": id_, "type": "message", "date": date, "date_unixtime": stamp, **who, "text": text}
    message["text_entities"] = entities
    message.update({k: v for k, v in fields.items() if v})
    return message


def telegram_html(folder: Path) -> Path:
    """What Telegram Desktop writes when the export's format is left at HTML."""
    path = folder / "messages.html"
    path.write_text(
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n<title>Exported Data</title>\n'
        '<link href="css/style.css" rel="stylesheet"/>\n</head>\n<body>\n<div class="page_wrap">\n'
        '<div class="page_header"><div class="content"><div class="text bold">Helena Duarte</div></div></div>\n'
        '<div class="page_body chat_page"><div class="history"></div></div></div>\n</body>\n</html>\n',
        encoding="utf-8",
    )
    return path


# --- DiscordChatExporter ---------------------------------------------------------------------

DISCORD_PEOPLE = [
    {"id": "80351110224678912", "name": "helena_d", "discriminator": "0000", "nickname": "Helena Duarte"},
    {"id": "80351110224678913", "name": "rodrigo.lima", "discriminator": "0000", "nickname": "Rodrigo Lima"},
    {"id": "80351110224678914", "name": "carlinha", "discriminator": "4242", "nickname": None},
]


def discord_export(folder: Path) -> Path:
    """One channel's export, as DiscordChatExporter's JSON format writes it."""
    messages = [
        _dc("900", "2026-10-01T09:00:00.000+00:00", 1, "", type_="GuildMemberJoin"),
        _dc("901", "2026-10-01T09:01:00.123+00:00", 0, "Oi @Rodrigo Lima, a festa é sábado", mentions=[1]),
        _dc(
            "902",
            "2026-10-01T09:02:00+00:00",
            1,
            "que legal, eu levo o bolo",
            type_="Reply",
            reply="901",
            reactions=[("❤️", 3), ("partyparrot", 1)],
        ),
        _dc(
            "903",
            "2026-10-01T09:03:00+00:00",
            0,
            "meu email é helena.duarte@example.com, fone +55 21 99876-5432",
            edited="2026-10-01T09:04:00+00:00",
        ),
        _dc("904", "2026-10-01T09:05:00+00:00", 1, "", files=["IMG_2041.jpg", "mapa.pdf"]),
        _dc("905", "2026-10-01T09:06:00+00:00", 0, "pinned", type_="ChannelPinnedMessage", reply="901"),
        _dc("906", "2026-10-01T09:07:00+00:00", 1, "pergunta pro @helena_d e pro Rodrigo"),
    ]
    for i in range(30):
        when = (DAY + timedelta(minutes=i)).isoformat() + ".000+00:00"
        reply = {"type_": "Reply", "reply": str(1000 + i - 1)} if i % 3 == 2 else {}
        messages.append(
            _dc(str(1000 + i), when, i % 3, chatter(i), reactions=[("👍", 1 + i % 3)] if i % 4 == 0 else [], **reply)
        )
    document = {
        "guild": {"id": "7001", "name": GROUP_NAME, "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png"},
        "channel": {
            "id": "7002",
            "type": "GuildTextChat",
            "categoryId": None,
            "category": None,
            "name": "geral",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2026-10-03T12:00:00+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }
    path = folder / "Aniversario - geral [7002].json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _dc(
    id_, when, person, content, *, type_="Default", reply=None, reactions=(), edited=None, files=(), mentions=()
) -> dict:
    author = {
        **DISCORD_PEOPLE[person],
        "color": None,
        "isBot": False,
        "roles": [],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/1.png",
    }
    return {
        "id": id_,
        "type": type_,
        "timestamp": when,
        "timestampEdited": edited,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author,
        "attachments": [
            {
                "id": f"{id_}{n}",
                "url": f"https://cdn.discordapp.com/attachments/1/2/{f}",
                "fileName": f,
                "fileSizeBytes": 1000,
            }
            for n, f in enumerate(files)
        ],
        "embeds": [],
        "stickers": [],
        "reactions": [
            {
                "emoji": {"id": "", "name": e, "code": e, "isAnimated": False, "imageUrl": ""},
                "count": c,
                "users": [DISCORD_PEOPLE[0]],
            }
            for e, c in reactions
        ],
        "mentions": [DISCORD_PEOPLE[m] for m in mentions],
        "inlineEmojis": [],
        **({"reference": {"messageId": reply, "channelId": "7002", "guildId": "7001"}} if reply else {}),
    }


# --- WhatsApp-Chat-Exporter ------------------------------------------------------------------

BRT = timezone(timedelta(hours=-3))
WA_LINES = [  # (minute, sender or None for the phone's owner, text); the .txt of the same chat shows them too
    (0, "Helena Duarte", "Oi gente! A festa é sábado"),
    (1, "+55 21 99876-5432", "Eu vou! meu email é helena.duarte@example.com"),
    (2, None, "que legal, eu levo o bolo"),
]


def whatsapp_db_export(folder: Path, *, per_chat: bool = False, chats: int = 1) -> Path:
    """WhatsApp-Chat-Exporter's result.json: chat id -> chat, messages by their database row id;
    Unix times, with the exporter's "HH:MM" beside them (here at UTC-3)."""
    messages = {}
    lines = [*WA_LINES, *((3 + i, ["Helena Duarte", "+55 21 99876-5432", None][i % 3], chatter(i)) for i in range(30))]
    for n, (minute, sender, text) in enumerate(lines):
        when = datetime(2026, 10, 2, 10, minute, 17, tzinfo=BRT)
        messages[str(5000 + n)] = {
            "from_me": sender is None,
            "timestamp": when.timestamp(),
            "time": when.strftime("%H:%M"),
            "media": False,
            "key_id": f"3EB0{n:08X}",
            "meta": False,
            "data": text,
            "sender": sender,
            "safe": False,
            "mime": None,
            "reply": f"3EB0{n - 1:08X}" if n % 3 == 2 else None,
            "quoted_data": lines[n - 1][2] if n % 3 == 2 else None,
            "caption": None,
            "thumb": None,
            "sticker": False,
            "reactions": {"Helena Duarte": "👍", "5521998765432": "👍"} if n % 4 == 0 else {},
        }
    chat = {
        "name": GROUP_NAME,
        "type": "android",
        "my_avatar": None,
        "their_avatar": None,
        "status": None,
        "messages": messages,
    }
    document = chat if per_chat else {f"1203630000000000{c}@g.us": chat for c in range(chats)}
    path = folder / "result.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def whatsapp_txt_of_db(folder: Path, owner: str = "Rodrigo Lima") -> Path:
    """The in-app .txt export of the same chat, from the owner's phone (minutes, not seconds)."""
    lines = [*WA_LINES, *((3 + i, ["Helena Duarte", "+55 21 99876-5432", None][i % 3], chatter(i)) for i in range(30))]
    text = "".join(f"02/10/2026 10:{m:02d} - {s or owner}: {t}\n" for m, s, t in lines)
    path = folder / f"WhatsApp Chat with {GROUP_NAME}.txt"
    path.write_text(text, encoding="utf-8")
    return path


# --- feeds -------------------------------------------------------------------------------------


def atom_feed(folder: Path, entries: int = 30, name: str = "forum.atom") -> Path:
    """A community forum's Atom feed (RFC 4287): entries by named authors, HTML content escaped
    in text, a reply by RFC 4685's in-reply-to, a script that must not survive."""
    people = ["Helena Duarte", "Rodrigo Lima", "Carla Mendes"]
    items = []
    for i in range(entries):
        when = (DAY + timedelta(minutes=10 * i)).isoformat() + "-03:00"
        reply = f'<thr:in-reply-to ref="tag:forum.example,2026:post-{i - 1}"/>' if i % 3 == 2 else ""
        body = f"&lt;p&gt;{chatter(i)} &lt;b&gt;Rodrigo&lt;/b&gt;?&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        if i == 0:
            body += " escreva para helena.duarte@example.com ou @helena_d"
        items.append(
            f"<entry><id>tag:forum.example,2026:post-{i}</id><title>Tópico {i}</title>"
            f"<published>{when}</published><updated>{when}</updated>"
            f"<author><name>{people[i % 3]}</name><email>helena.duarte@example.com</email></author>"
            f'<link rel="alternate" href="https://forum.example/t/{i}"/>{reply}'
            f'<content type="html">{body}</content></entry>'
        )
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0"><title>Fórum da Trilha</title>'
        "<id>tag:forum.example,2026:feed</id><updated>2026-10-02T12:00:00Z</updated>" + "".join(items) + "</feed>\n"
    )
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rss_feed(folder: Path) -> Path:
    """An RSS 2.0 newsletter: RFC 822 dates, "e-mail (Name)" authors, dc:creator, guids."""
    items = "".join(
        f"<item><title>Edição {i}</title><link>https://news.example/{i}</link><guid>news-{i}</guid>"
        f"<pubDate>{(DAY + timedelta(days=i)).strftime('%a, %d %b %Y %H:%M:%S')} -0300</pubDate>"
        + (
            "<author>helena.duarte@example.com (Helena Duarte)</author>"
            if i % 2
            else "<dc:creator>Rodrigo Lima</dc:creator>"
        )
        + f"<description>&lt;p&gt;{chatter(i)}&lt;/p&gt;</description></item>"
        for i in range(3)
    )
    text = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Boletim</title><link>https://news.example/</link>{items}</channel></rss>"
    )
    path = folder / "boletim.rss"
    path.write_text(text, encoding="utf-8")
    return path
