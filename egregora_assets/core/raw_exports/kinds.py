"""The words WhatsApp writes for lines that are not plain text (system, media, deleted...),
in the common languages, as RE2 patterns applied to whole columns."""

from __future__ import annotations

import re

# --- message kinds (RE2 syntax, applied to whole columns) ---------------------------------
ATTACHED_ANDROID = (
    r"^(?P<name>.+?) \((?:file attached|arquivo anexado|archivo adjunto|Datei angehängt"
    r"|fichier joint|file allegato)\)(?:\n|$)"
)
_WS = r"[\s\x{00a0}\x{202f}\x{200e}\x{200f}]*"  # spaces and direction marks iOS puts around
ATTACHED_IOS = (
    r"^"
    + _WS
    + r"<"
    + _WS
    + r"(?:attached|anexado|adjunto|Anhang|pièce jointe|allegato)"
    + _WS
    + r"[:：]"
    + _WS
    + r"(?P<name>[^>\n]*?[^>\s\x{00a0}\x{202f}\x{200e}\x{200f}])"
    + _WS
    + r">"
)
MEDIA_OMITTED = (
    r"(?i)^(?:<(?:media omitted|mídia oculta|arquivo de mídia oculto|multimedia omitido"
    r"|medien ausgeschlossen|médias omis|media omessi)>"
    r"|(?:image|video|audio|sticker|gif|document|photo) omitted"
    r"|(?:imagem|vídeo|áudio|figurinha|documento) (?:ocultad[oa]|omitid[oa])"
    r"|(?:imagen|video|audio|sticker|documento) omitid[oa]"
    r"|(?:bild|video|audio|sticker|dokument) weggelassen"
    r"|(?:image|vidéo|audio|autocollant|document) (?:absente?|omise?)"
    r"|(?:immagine|video|audio|sticker|documento) omess[oa])$"
)
DELETED = (
    r"(?i)^(?:this message was deleted|you deleted this message|esta mensagem foi apagada"
    r"|você apagou esta mensagem|mensagem apagada|se eliminó este mensaje|eliminaste este mensaje"
    r"|este mensaje fue eliminado|diese nachricht wurde gelöscht|du hast diese nachricht gelöscht"
    r"|ce message a été supprimé|vous avez supprimé ce message"
    r"|questo messaggio è stato eliminato|hai eliminato questo messaggio)\.?$"
)
EDITED = (
    r"(?s)^(?P<text>.*?)[ \n]?<(?:This message was edited|Mensagem editada"
    r"|Esta mensagem foi editada|Se editó este mensaje\.?|Mensaje editado"
    r"|Diese Nachricht wurde bearbeitet"
    r"|Ce message a été modifié|Message modifié|Questo messaggio è stato modificato"
    r"|Messaggio modificato)>$"
)
POLL = r"^(?:POLL|ENQUETE|ENCUESTA|UMFRAGE|SONDAGE|SONDAGGIO) ?:\n"
LOCATION = (
    r"(?i)^(?:(?:location|localização|ubicación|standort|position|posizione) ?: https?://"
    r"|live location shared|localização em tempo real compartilhada"
    r"|ubicación en tiempo real compartida|live-standort wird geteilt)"
)
CONTACT = (
    r"(?i)^(?:contact card omitted|cartão de contato omitido|tarjeta de contacto omitida"
    r"|kontaktkarte ausgelassen|fiche contact omise|scheda contatto omessa)$"
)
# System lines, by their text: group created, members added/removed/left/joined, subject or
# icon changed, the encryption notice, disappearing messages, security codes.
SYSTEM = (
    r"(?i)(?:created (?:this )?group|\badded\b|\bremoved\b|\bleft$|joined using|"
    r"changed (?:the subject|the group name|this group's icon|the group icon|the group description)"
    r"|deleted this group's icon|messages and calls are end-to-end encrypted"
    r"|disappearing messages|security code .*changed|changed their phone number"
    r"|criou (?:o|este) grupo|\badicionou\b|\bremoveu\b|\bsaiu$|entrou usando o link"
    r"|(?:mudou|alterou) (?:o assunto|o nome|a imagem|a descrição)|apagou a imagem"
    r"|protegidas com a criptografia de ponta a ponta|mensagens temporárias|código de segurança"
    r"|creó (?:el|este) grupo|\bañadió|\bagregó|\beliminó a\b|\bsalió|se unió usando"
    r"|cambió (?:el asunto|el nombre|la imagen|el ícono|la descripción)"
    r"|cifrados de extremo a extremo|mensajes temporales|código de seguridad"
    r"|hat (?:die|diese) gruppe .*erstellt|hat .*hinzugefügt|hat .*entfernt"
    r"|hat die gruppe verlassen"
    r"|über den einladungslink|hat den betreff|hat das gruppenbild|ende-zu-ende-verschlüsselt"
    r"|selbstlöschende nachrichten|sicherheitsnummer"
    r"|a créé (?:le|ce) groupe|a ajouté|a retiré|est parti|a rejoint ce groupe"
    r"|a (?:changé|modifié) (?:le sujet|l'icône|la photo|la description)"
    r"|chiffrés de bout en bout|messages éphémères|code de sécurité"
    r"|ha creato (?:il|questo) gruppo|ha aggiunto|ha rimosso|è uscit[oa]|si è unit[oa]"
    r"|ha (?:cambiato|modificato) (?:l'oggetto|l'immagine|la descrizione)"
    r"|crittografati end-to-end|messaggi effimeri|codice di sicurezza)"
)

# Lines that name the group: iOS files the chat's own notices under that name.
GROUP_NAMED = (
    r"(?:created group|changed the subject (?:from .* )?to|changed the group name to"
    r"|criou o grupo|(?:mudou|alterou) o (?:assunto|nome do grupo) (?:de .* )?para"
    r"|creó el grupo|cambió el (?:asunto|nombre del grupo) (?:de .* )?a"
    r"|hat die Gruppe|a créé le groupe|ha creato il gruppo)"
    r" ?[“\"„«] ?(?P<name>[^”\"“»\n]+?) ?[”\"“»]"
)


def _any_of(*patterns: str) -> str:
    """One RE2 pattern matching where any of `patterns` does (flags scoped, groups dropped)."""
    scoped = (re.sub(r"^\(\?(\w)\)(.*)$", r"(?\1:\2)", p, flags=re.S) for p in patterns)
    return "|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", p) + ")" for p in scoped)


# Messages that are not plain text: found in one pass, so the patterns above run on few rows.
SPECIAL = _any_of(ATTACHED_ANDROID, ATTACHED_IOS, MEDIA_OMITTED, DELETED, EDITED, POLL, LOCATION, CONTACT)
SYSTEM_PY = re.compile(SYSTEM.replace("(?i)", ""), re.IGNORECASE)
