"""Threads: which earlier post a new one continues, offline by a rare shared topic, with an LLM by retrieval."""

from datetime import date, timedelta

from egregora_assets.core.models import Post
from egregora_assets.core.threads import THREAD_DAYS, continued_in, found_post, recent_posts, same_topic_post
from egregora_assets_tests.helpers import document


def post(day: int, title: str, tags: list[str], hour: int = 21, **changes) -> Post:
    fields = dict(id=f"tag:x,2026:g/{day}/{hour}", group="g", window_id=f"w{day}-{hour}", title=title,
                  slug=title.lower().replace(" ", "-"), authors=["amber-falcon"], summary="s", content="c",
                  categories=tags)  # fmt: skip
    return document(date(2026, 9, 1) + timedelta(days=day - 1), hour=hour, **{**fields, **changes})


def offline(doc: Post, docs: list[Post]) -> str | None:
    return same_topic_post(doc, recent_posts(docs, doc))


def test_the_same_own_topic_continues_the_newest_earlier_post_that_speaks_of_it():
    trip = post(1, "Pedra Grande e trilha", ["pedra grande", "trilha", "carro"])
    other = post(3, "Domingo em Atibaia", ["tênis", "grau"])
    training = post(25, "Pedra Grande da Cantareira e mochila", ["treino", "mochila"])  # in its title
    again = post(27, "Pedra Grande da Cantareira e travessia", ["água", "travessia", "mochila"])
    docs = [trip, other, training, again]
    assert offline(training, docs) == trip.id
    assert offline(again, docs) == training.id  # the newest that speaks of it
    assert offline(other, docs) is None and offline(trip, docs) is None  # no such topic; nothing before


def test_words_the_archive_shares_tie_nothing_offline():
    # "carro" and "semana" come after a post's own tag: the digest adds them because many days say them.
    trip = post(1, "Pedra Grande e trilha", ["pedra grande", "trilha", "carro"])
    cars = post(2, "Planilha das caronas", ["caminho", "carro"])
    assert offline(cars, [trip, cars]) is None
    # And a post's own topic that most recent posts speak of is the group's everyday topic.
    days = [post(d, f"Trilha do dia {d}", ["trilha", f"tema{d}"]) for d in range(1, 10)]
    new = post(10, "Outro dia", ["trilha", "novo"])
    assert offline(new, [*days, new]) is None


def test_what_the_llm_writers_retrieval_found_first_with_a_shared_tag_is_continued():
    days = [post(d, f"Dia {d}", ["trilha", f"tema{d}"]) for d in range(1, 10)]
    new = post(10, "Outro dia", ["trilha", "novo"])
    assert found_post(new, [days[2], days[7]]) == days[2].id  # retrieval's order, not time's
    assert found_post(new, [post(4, "Bolo", ["bolo"]), days[7]]) == days[7].id  # no shared tag: skipped
    assert found_post(days[0], [new]) is None  # never a later post


def test_only_earlier_posts_within_the_last_weeks_count():
    old = post(1, "Pedra do Baú", ["pedra do baú"])
    late = post(1 + THREAD_DAYS + 1, "Pedra do Baú de novo", ["pedra do baú"])
    assert offline(late, [old, late]) is None
    soon = post(1 + THREAD_DAYS - 1, "Pedra do Baú de novo", ["pedra do baú"])
    assert offline(soon, [old, soon]) == old.id
    # A later post, or one of the same window (same moment), is never continued.
    twin = post(1, "Pedra do Baú, a volta", ["pedra do baú"])
    assert offline(old, [old, twin, soon]) is None
    assert recent_posts([soon, old], old) == []


def test_continued_in_maps_each_post_to_the_later_ones_that_are_there():
    first = post(1, "A", ["x"])
    second = post(2, "B", ["x"], continues=first.id)
    third = post(3, "C", ["x"], continues=first.id)
    orphan = post(4, "D", ["x"], continues="tag:x,2026:g/gone")
    assert continued_in([third, orphan, second, first]) == {first.id: [second, third]}


def test_posts_that_ended_at_the_same_minute_are_ordered_alike_in_every_home():
    # An id holds a keyed hash: two homes give the same posts other ids, and must thread them alike.
    def posts(ids: list[str]) -> list[Post]:
        early = post(1, "Pedra Grande e trilha", ["pedra grande", "trilha"], id=ids[0])
        late = post(1, "Pedra do Baú e trilha", ["pedra do baú", "trilha"], id=ids[1])  # the same minute
        again = post(3, "Trilha de novo", ["trilha"], id=ids[2])
        return [early, late, again]

    found = []
    for ids in (["tag:x/a", "tag:x/b", "tag:x/c"], ["tag:x/b", "tag:x/a", "tag:x/c"]):
        docs = posts(ids)
        slug = {d.id: d.slug for d in docs}
        earlier = offline(docs[2], docs)
        found.append(([d.slug for d in recent_posts(docs, docs[2])], earlier and slug[earlier]))
    assert found[0] == found[1] and found[0][1] is not None
