"""The words the offline digest writer knows: stopwords, language markers and its phrases."""

from __future__ import annotations

from typing import NamedTuple

from ..text import fold

_STOPWORDS_TEXT = {
    # Units of time and measure read as words once their numbers are dropped ("10 min").
    "units": "min mins seg hrs km kms kg cm mm ml reais",
    "pt": """
    a à ao aos aquela aquelas aquele aqueles aquilo as às até com como da das de dela delas dele
    deles depois do dos e é ela elas ele eles em entre era eram essa essas esse esses esta está
    estão estas estava estavam este estes estou eu foi fomos for foram fosse há isso isto já lhe
    lhes mais mas me mesma mesmo meu meus minha minhas muito muita muitos muitas na nas nem no
    nos nós nossa nosso num numa o os ou para pela pelas pelo pelos por qual quando que quem se
    seja sem ser será seu seus só sua suas também te tem têm tenho ter teu tua tudo um uma umas
    uns você vocês vai vou vamos ser sido estar pra pro pros pras tá tô né aí ali aqui lá então
    agora hoje ontem amanhã ainda sim não nao bem bom boa bons boas dia dias noite tarde gente
    pessoal galera alguém ninguém algum alguma nada coisa coisas acho achei sei saber fazer
    faz fiz feito pode podem posso poderia ver vi vem vir ficar fica ficou dar deu dá tipo
    vc vcs pq porque porquê tb tbm msm mt mto mtu oq q obrigado obrigada obg valeu vlw
    beleza blz legal massa show ok okay todos todas todo toda outro outra outros outras
    cada sobre onde assim aqui vez vezes sempre nunca tão tanto quanto depois antes hora
    horas demais mano cara ah oi olá opa eita nossa uai ué kk kkk haha rs queria quero quer
    querem precisa preciso tinha tava tavam estamos estão ia iam dizer disse falar falou
    semana semanas mês meses ano anos primeiro primeira último última próximo próxima
    """,
    "en": """
    a about after again all also am an and any are as at be been before being both but by can
    could did do does doing don done down during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our ours out over own same she should so some such than
    that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yeah
    yes yep nope ok okay lol thanks thank please really think know get got going go gonna want
    like well good great one also oh hey hi hello guys today tomorrow yesterday still even
    didn doesn isn wasn aren couldn wouldn shouldn won let maybe sure something anything
    thing things time see said say make way much many lot right back need let's first last
    next half week weeks month months year years day days people everyone someone
    """,
    "es": """
    al algo algún alguna algunos ante antes así aunque bien bueno buena cada como con contra
    cual cuando de del desde donde el él ella ellas ellos en entre era eres es esa esas ese eso
    esos esta está están estar este esto estos estoy fue fueron ha han hasta hay hoy la las le
    les lo los más me mi mis mucho muy nada ni no nos nosotros o otra otro para pero poco por
    porque que qué quien se ser si sí sin sobre son su sus también tan tener tengo tiene todo
    todos tu tus un una uno unos usted vamos ya yo gracias jaja jajaja creo va voy ahora
    mañana ayer hola vale pues entonces aquí allí hacer hace cosa cosas gente
    """,
    "de": """
    aber alle als also am an auch auf aus bei bin bis bist da dann das dass dem den der des die
    dies diese dir doch du ein eine einem einen einer es für gibt hab habe haben hat hier ich
    ihr im in ist ja jetzt kann kein keine mal man mein mich mir mit nach nicht noch nur ob oder
    schon sehr sein sich sie sind so über um und uns von vor war was weil wenn wie wir wird
    wo zu zum zur danke heute morgen gut gestern hallo genau
    """,
    "fr": """
    au aux avec ce ces cette dans de des du elle elles en est et être eu il ils je la le les
    leur lui ma mais me même mes moi mon ne nous on ou où par pas pour qu que qui sa se ses si
    son sur ta te tes toi ton tu un une vos vous ça oui non merci très aussi bien bon bonne
    fait faire tout tous toute toutes alors aujourd hui demain hier salut était c'est
    """,
    "it": """
    il lo la gli le un una uno di da in con su per tra fra che chi non è sono sei siamo ho hai
    ha abbiamo io tu lui lei noi voi loro mi ti ci si ma anche come cosa molto più questo
    questa quello quella del della dei delle nel nella al alla ai sì grazie ciao oggi domani
    ieri bene allora perché poi già ancora
    """,
}


_LISTED = [w for text in _STOPWORDS_TEXT.values() for w in text.split()]
# Chats often drop accents ("voce", "tambem"), so both spellings are stopwords.
STOPWORDS = frozenset(_LISTED + [fold(w) for w in _LISTED])

# Words that tell the languages apart; words two of them share ("que", "no", "algo", "la",
# "mais", "con", "cosa", "qui", "del") are left out.
_LANG_MARKERS = {
    "pt": "não você vocês com muito também isso então eu tem vai foi né já só hoje agora gente "
    "pra do da os na em é ao mas tá seu sua meu minha nós ele ela vou estou tô acho "
    "obrigado bom boa legal uma",
    "en": "the and is are you that this with for was have it i we they what but not just will "
    "can would there about yeah yes thanks",
    "es": "el los las y pero muy también estoy yo tengo tiene hay qué cuando eso "
    "esto ahora hoy nosotros gracias bueno mucho así sí creo",
    "de": "der die das und ist nicht ich du wir sie ein eine mit auf für auch aber noch schon wie "
    "ja nein doch mal heute danke",
    "fr": "les des et est je nous vous pas avec pour dans sur oui merci ça très aussi",
    "it": "il gli della che è sono io noi voi per anche ma molto oggi grazie sì perché questo "
    "quello ciao",
}
LANG_MARKERS = {lang: frozenset(words.split()) for lang, words in _LANG_MARKERS.items()}


class Labels(NamedTuple):
    """The words a digest is written with, in one language."""

    about: str  # leads the title
    and_: str
    summary: str
    shared_links: tuple[str, str]  # for one link, for {n} links
    quotes: str
    links: str
    people: str
    closing: str


LABELS = {
    "pt": Labels(
        "Conversa sobre", "e",
        "{people} pessoas trocaram {messages} mensagens{links}.",
        (" e compartilharam 1 link", " e compartilharam {n} links"),
        "Em destaque", "Links compartilhados", "Quem participou",
        "Resumo automático feito offline, por estatística de palavras; nenhum modelo de linguagem foi usado.",
    ),
    "en": Labels(
        "Talking about", "and",
        "{people} people exchanged {messages} messages{links}.",
        (" and shared 1 link", " and shared {n} links"),
        "Highlights", "Shared links", "Who took part",
        "Automatic offline digest, built from keyword statistics; no language model was used.",
    ),
    "es": Labels(
        "Charla sobre", "y",
        "{people} personas intercambiaron {messages} mensajes{links}.",
        (" y compartieron 1 enlace", " y compartieron {n} enlaces"),
        "Destacados", "Enlaces compartidos", "Quién participó",
        "Resumen automático hecho sin conexión, por estadística de palabras; no se usó ningún modelo de lenguaje.",
    ),
    "de": Labels(
        "Gespräch über", "und",
        "{people} Personen schrieben {messages} Nachrichten{links}.",
        (" und teilten 1 Link", " und teilten {n} Links"),
        "Auszüge", "Geteilte Links", "Wer dabei war",
        "Automatische Offline-Zusammenfassung aus Wortstatistik; kein Sprachmodell wurde verwendet.",
    ),
    "fr": Labels(
        "Discussion sur", "et",
        "{people} personnes ont échangé {messages} messages{links}.",
        (" et partagé 1 lien", " et partagé {n} liens"),
        "Extraits", "Liens partagés", "Qui a participé",
        "Résumé automatique hors ligne, par statistique de mots ; aucun modèle de langage n'a été utilisé.",
    ),
    "it": Labels(
        "Conversazione su", "e",
        "{people} persone si sono scambiate {messages} messaggi{links}.",
        (" e hanno condiviso 1 link", " e hanno condiviso {n} link"),
        "In evidenza", "Link condivisi", "Chi ha partecipato",
        "Riassunto automatico offline, da statistiche di parole; nessun modello linguistico è stato usato.",
    ),
}
