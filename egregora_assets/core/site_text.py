"""The words Egregora writes itself, in each chat language: the site's interface (what MkDocs
Material does not translate) and the offline digest's labels."""

from __future__ import annotations

# key -> language -> text, with `{name}` placeholders filled by `text`. Every key has every
# language; a test checks it. Markdown is allowed where the page is Markdown.
STRINGS: dict[str, dict[str, str]] = {
    "sources": {
        "en": "The messages this post draws on",
        "pt": "As mensagens em que este post se baseia",
        "es": "Los mensajes en los que se basa esta entrada",
        "de": "Die Nachrichten, auf denen dieser Beitrag beruht",
        "fr": "Les messages sur lesquels s'appuie cet article",
        "it": "I messaggi su cui si basa questo post",
    },
    "writer_llm": {
        "en": "Drafted by a language model ({model}) from the group's messages.",
        "pt": "Rascunho de um modelo de linguagem ({model}) a partir das mensagens do grupo.",
        "es": "Redactado por un modelo de lenguaje ({model}) a partir de los mensajes del grupo.",
        "de": "Von einem Sprachmodell ({model}) aus den Nachrichten der Gruppe entworfen.",
        "fr": "Rédigé par un modèle de langage ({model}) à partir des messages du groupe.",
        "it": "Scritto da un modello linguistico ({model}) a partire dai messaggi del gruppo.",
    },
    "site_description": {
        "en": "Posts written from the {site} group chat",
        "pt": "Posts escritos a partir do grupo {site}",
        "es": "Entradas escritas a partir del chat de grupo {site}",
        "de": "Beiträge aus dem Gruppenchat {site}",
        "fr": "Articles écrits à partir de la discussion de groupe {site}",
        "it": "Post scritti a partire dalla chat di gruppo {site}",
    },
    "nav_home": {"en": "Home", "pt": "Início", "es": "Inicio", "de": "Startseite", "fr": "Accueil", "it": "Home"},
    "nav_blog": {"en": "Blog", "pt": "Blog", "es": "Blog", "de": "Blog", "fr": "Blog", "it": "Blog"},
    "nav_tags": {"en": "Tags", "pt": "Tags", "es": "Etiquetas", "de": "Schlagwörter", "fr": "Étiquettes", "it": "Tag"},
    "home_intro": {
        "en": "This is the private blog of a {app} group: posts written from the group's conversations, "
        "{count} so far. Read them on the [blog](blog/index.md), browse them by [tag](tags.md), "
        "or follow the [Atom feed](feed.xml).",
        "pt": "Este é o blog privado de um grupo de {app}: posts escritos a partir das conversas do grupo, "
        "{count} até agora. Leia-os no [blog](blog/index.md), navegue por [tag](tags.md) "
        "ou acompanhe o [feed Atom](feed.xml).",
        "es": "Este es el blog privado de un grupo de {app}: entradas escritas a partir de las conversaciones "
        "del grupo, {count} hasta ahora. Léelas en el [blog](blog/index.md), explóralas por "
        "[etiqueta](tags.md) o sigue el [feed Atom](feed.xml).",
        "de": "Dies ist der private Blog einer {app}-Gruppe: Beiträge aus den Unterhaltungen der Gruppe, "
        "bisher {count}. Lies sie im [Blog](blog/index.md), stöbere nach [Schlagwort](tags.md) "
        "oder folge dem [Atom-Feed](feed.xml).",
        "fr": "Voici le blog privé d'un groupe {app} : des articles écrits à partir des conversations du "
        "groupe, {count} à ce jour. Lisez-les sur le [blog](blog/index.md), parcourez-les par "
        "[étiquette](tags.md) ou suivez le [flux Atom](feed.xml).",
        "it": "Questo è il blog privato di un gruppo {app}: post scritti a partire dalle conversazioni del "
        "gruppo, {count} finora. Leggili sul [blog](blog/index.md), sfogliali per [tag](tags.md) "
        "o segui il [feed Atom](feed.xml).",
    },
    "home_note_title": {
        "en": "About these posts",
        "pt": "Sobre estes posts",
        "es": "Sobre estas entradas",
        "de": "Über diese Beiträge",
        "fr": "À propos de ces articles",
        "it": "A proposito di questi post",
    },
    "home_note_pseudonyms": {
        "en": "Every author is shown under a **pseudonym**, and names, phone numbers and e-mail addresses "
        "are removed from what the group wrote before anything is published.",
        "pt": "Cada autor aparece sob um **pseudônimo**, e nomes, telefones e e-mails são removidos do que "
        "o grupo escreveu antes de qualquer publicação.",
        "es": "Cada autor aparece con un **seudónimo**, y los nombres, teléfonos y correos electrónicos se "
        "eliminan de lo que escribió el grupo antes de publicar nada.",
        "de": "Jede Person erscheint unter einem **Pseudonym**; Namen, Telefonnummern und E-Mail-Adressen "
        "werden aus dem, was die Gruppe schrieb, entfernt, bevor etwas veröffentlicht wird.",
        "fr": "Chaque auteur apparaît sous un **pseudonyme**, et les noms, numéros de téléphone et adresses "
        "e-mail sont retirés de ce que le groupe a écrit avant toute publication.",
        "it": "Ogni autore compare con uno **pseudonimo**, e nomi, numeri di telefono e indirizzi e-mail "
        "vengono rimossi da ciò che il gruppo ha scritto prima di pubblicare qualsiasi cosa.",
    },
    "home_note_writers": {
        "en": "Posts whose writer is **offline-digest** are automatic digests of a day's messages, made "
        "without a language model; the others were drafted by a language model.",
        "pt": "Posts cujo autor é **offline-digest** são resumos automáticos das mensagens de um dia, feitos "
        "sem modelo de linguagem; os demais foram rascunhados por um modelo de linguagem.",
        "es": "Las entradas cuyo redactor es **offline-digest** son resúmenes automáticos de los mensajes de "
        "un día, hechos sin modelo de lenguaje; las demás las redactó un modelo de lenguaje.",
        "de": "Beiträge mit dem Verfasser **offline-digest** sind automatische Zusammenfassungen der "
        "Nachrichten eines Tages, ohne Sprachmodell erstellt; die anderen hat ein Sprachmodell entworfen.",
        "fr": "Les articles dont le rédacteur est **offline-digest** sont des résumés automatiques des "
        "messages d'une journée, faits sans modèle de langage ; les autres ont été rédigés par un modèle "
        "de langage.",
        "it": "I post il cui autore è **offline-digest** sono riassunti automatici dei messaggi di un giorno, "
        "fatti senza modello linguistico; gli altri sono stati scritti da un modello linguistico.",
    },
    "blog_title": {"en": "Posts", "pt": "Posts", "es": "Entradas", "de": "Beiträge", "fr": "Articles", "it": "Post"},
    "blog_intro": {
        "en": "The newest posts first. [Subscribe with the Atom feed](../feed.xml).",
        "pt": "Os posts mais recentes primeiro. [Assine pelo feed Atom](../feed.xml).",
        "es": "Las entradas más recientes primero. [Suscríbete con el feed Atom](../feed.xml).",
        "de": "Die neuesten Beiträge zuerst. [Mit dem Atom-Feed abonnieren](../feed.xml).",
        "fr": "Les articles les plus récents d'abord. [S'abonner avec le flux Atom](../feed.xml).",
        "it": "Prima i post più recenti. [Iscriviti con il feed Atom](../feed.xml).",
    },
    "tags_intro": {
        "en": "Every post, grouped by the topics it touches.",
        "pt": "Todos os posts, agrupados pelos assuntos que tocam.",
        "es": "Todas las entradas, agrupadas por los temas que tocan.",
        "de": "Alle Beiträge, nach den Themen geordnet, die sie berühren.",
        "fr": "Tous les articles, regroupés par les sujets qu'ils abordent.",
        "it": "Tutti i post, raggruppati per gli argomenti che toccano.",
    },
    "footer_feed": {
        "en": "Subscribe to the Atom feed",
        "pt": "Assine o feed Atom",
        "es": "Suscríbete al feed Atom",
        "de": "Den Atom-Feed abonnieren",
        "fr": "S'abonner au flux Atom",
        "it": "Iscriviti al feed Atom",
    },
    "footer_credit": {
        "en": "Pseudonymized posts, written from a group chat by Egregora · Made with",
        "pt": "Posts pseudonimizados, escritos a partir de um grupo de conversa pelo Egregora · Feito com",
        "es": "Entradas seudonimizadas, escritas a partir de un chat de grupo por Egregora · Hecho con",
        "de": "Pseudonymisierte Beiträge, von Egregora aus einem Gruppenchat geschrieben · Erstellt mit",
        "fr": "Articles pseudonymisés, écrits à partir d'une discussion de groupe par Egregora · Fait avec",
        "it": "Post pseudonimizzati, scritti a partire da una chat di gruppo da Egregora · Realizzato con",
    },
    # Shown when the chat's language is one Egregora recognizes but does not speak yet.
    "language_fallback": {
        "en": "Egregora does not speak this chat's language ({chat_language}) yet: its own words here are in English.",
    },
    "author_description": {
        "en": "Pseudonym of a group member",
        "pt": "Pseudônimo de um membro do grupo",
        "es": "Seudónimo de un miembro del grupo",
        "de": "Pseudonym eines Gruppenmitglieds",
        "fr": "Pseudonyme d'un membre du groupe",
        "it": "Pseudonimo di un membro del gruppo",
    },
    "best_of_title": {
        "en": "Best of",
        "pt": "Os melhores",
        "es": "Lo mejor",
        "de": "Das Beste",
        "fr": "Le meilleur",
        "it": "Il meglio",
    },
    "best_of_intro": {
        "en": "The posts of this blog ranked highest, best first, from comparing them two at a time.",
        "pt": "Os posts deste blog mais bem classificados, do melhor para baixo, comparados dois a dois.",
        "es": "Las entradas de este blog mejor valoradas, de la mejor hacia abajo, comparadas de dos en dos.",
        "de": "Die am besten bewerteten Beiträge dieses Blogs, der beste zuerst, jeweils zu zweit verglichen.",
        "fr": "Les articles de ce blog les mieux classés, du meilleur au suivant, comparés deux à deux.",
        "it": "I post di questo blog meglio classificati, dal migliore in giù, confrontati a due a due.",
    },
    "best_of_empty": {
        "en": "No post has been ranked yet.",
        "pt": "Nenhum post foi classificado ainda.",
        "es": "Todavía no se ha clasificado ninguna entrada.",
        "de": "Noch kein Beitrag wurde bewertet.",
        "fr": "Aucun article n'a encore été classé.",
        "it": "Nessun post è stato ancora classificato.",
    },
    "nav_authors": {
        "en": "Authors",
        "pt": "Autores",
        "es": "Autores",
        "de": "Autoren",
        "fr": "Auteurs",
        "it": "Autori",
    },
    "continues": {
        "en": "Continues",
        "pt": "Continua",
        "es": "Continúa",
        "de": "Setzt fort",
        "fr": "Suite de",
        "it": "Continua",
    },
    "continued_in": {
        "en": "Continued in",
        "pt": "Continua em",
        "es": "Continúa en",
        "de": "Fortgesetzt in",
        "fr": "Suite dans",
        "it": "Continua in",
    },
    "author_activity": {
        "en": "{messages} messages on {days} days, from {first} to {last}.",
        "pt": "{messages} mensagens em {days} dias, de {first} a {last}.",
        "es": "{messages} mensajes en {days} días, del {first} al {last}.",
        "de": "{messages} Nachrichten an {days} Tagen, vom {first} bis {last}.",
        "fr": "{messages} messages sur {days} jours, du {first} au {last}.",
        "it": "{messages} messaggi in {days} giorni, dal {first} al {last}.",
    },
    "author_voice": {
        "en": "{minutes} minutes of voice notes.",
        "pt": "{minutes} minutos de mensagens de voz.",
        "es": "{minutes} minutos de notas de voz.",
        "de": "{minutes} Minuten Sprachnachrichten.",
        "fr": "{minutes} minutes de messages vocaux.",
        "it": "{minutes} minuti di messaggi vocali.",
    },
    "author_chart": {
        "en": "Messages over time",
        "pt": "Mensagens ao longo do tempo",
        "es": "Mensajes a lo largo del tiempo",
        "de": "Nachrichten im Zeitverlauf",
        "fr": "Messages au fil du temps",
        "it": "Messaggi nel tempo",
    },
    "author_topics": {
        "en": "Talks most about",
        "pt": "Fala mais de",
        "es": "Habla sobre todo de",
        "de": "Spricht am meisten über",
        "fr": "Parle surtout de",
        "it": "Parla soprattutto di",
    },
    "author_posts": {
        "en": "Posts that cite them",
        "pt": "Posts que citam esta pessoa",
        "es": "Entradas que citan a esta persona",
        "de": "Beiträge, die diese Person zitieren",
        "fr": "Articles qui citent cette personne",
        "it": "Post che citano questa persona",
    },
    "author_no_posts": {
        "en": "No post cites them yet.",
        "pt": "Nenhum post cita esta pessoa ainda.",
        "es": "Ninguna entrada cita aún a esta persona.",
        "de": "Noch kein Beitrag zitiert diese Person.",
        "fr": "Aucun article ne cite encore cette personne.",
        "it": "Nessun post cita ancora questa persona.",
    },
    # The offline digest's own words (posts/digest.py): `links` is one of the two shared_link(s).
    "digest_and": {"en": "and", "pt": "e", "es": "y", "de": "und", "fr": "et", "it": "e"},
    "digest_summary": {
        "en": "{people} people exchanged {messages} messages{links}.",
        "pt": "{people} pessoas trocaram {messages} mensagens{links}.",
        "es": "{people} personas intercambiaron {messages} mensajes{links}.",
        "de": "{people} Personen schrieben {messages} Nachrichten{links}.",
        "fr": "{people} personnes ont échangé {messages} messages{links}.",
        "it": "{people} persone si sono scambiate {messages} messaggi{links}.",
    },
    "digest_shared_link": {
        "en": " and shared 1 link",
        "pt": " e compartilharam 1 link",
        "es": " y compartieron 1 enlace",
        "de": " und teilten 1 Link",
        "fr": " et partagé 1 lien",
        "it": " e hanno condiviso 1 link",
    },
    "digest_shared_links": {
        "en": " and shared {n} links",
        "pt": " e compartilharam {n} links",
        "es": " y compartieron {n} enlaces",
        "de": " und teilten {n} Links",
        "fr": " et partagé {n} liens",
        "it": " e hanno condiviso {n} link",
    },
    "digest_quotes": {
        "en": "Highlights",
        "pt": "Em destaque",
        "es": "Destacados",
        "de": "Auszüge",
        "fr": "Extraits",
        "it": "In evidenza",
    },
    "digest_links": {
        "en": "Shared links",
        "pt": "Links compartilhados",
        "es": "Enlaces compartidos",
        "de": "Geteilte Links",
        "fr": "Liens partagés",
        "it": "Link condivisi",
    },
    "digest_people": {
        "en": "Who took part",
        "pt": "Quem participou",
        "es": "Quién participó",
        "de": "Wer dabei war",
        "fr": "Qui a participé",
        "it": "Chi ha partecipato",
    },
    "digest_closing": {
        "en": "Automatic digest, made offline without a language model.",
        "pt": "Resumo automático, feito offline sem modelo de linguagem.",
        "es": "Resumen automático, hecho sin conexión y sin modelo de lenguaje.",
        "de": "Automatische Zusammenfassung, offline und ohne Sprachmodell erstellt.",
        "fr": "Résumé automatique, fait hors ligne sans modèle de langage.",
        "it": "Riassunto automatico, fatto offline senza modello linguistico.",
    },
}


# Keys shown only where the site's own words are English (a chat in a language Egregora does not speak).
ENGLISH_ONLY = frozenset({"language_fallback"})


def text(key: str, language: str, **values: object) -> str:
    """The interface string `key` in `language` (English when we do not have it), `values` filled in."""
    found = STRINGS[key]
    return (found.get(language) or found["en"]).format(**values)
