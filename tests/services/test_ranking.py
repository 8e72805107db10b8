"""Ranks keep a total order under any sequence of moves, without renumbering."""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from lablog import db, schema
from lablog.models import BacklogItem, Lab
from lablog.services import backlog, labs, orgs, ranking

rank_text = st.text(alphabet=ranking.DIGITS, min_size=1, max_size=12).filter(lambda r: not r.endswith("0"))


@given(st.one_of(st.none(), rank_text), st.one_of(st.none(), rank_text))
def test_between_is_strictly_between(lo, hi):
    if lo is not None and hi is not None and not lo < hi:
        lo, hi = (hi, lo) if hi < lo else (lo, None)
    r = ranking.between(lo, hi)
    assert (lo is None or lo < r) and (hi is None or r < hi)
    assert not r.endswith("0")


@given(st.integers(min_value=1, max_value=3000))
def test_spread_is_sorted_and_unique(n):
    ranks = ranking.spread(n)
    assert ranks == sorted(set(ranks))
    assert len(ranks) == n


def test_two_thousand_items_with_random_moves(tmp_path, cli, monkeypatch):
    path = tmp_path / "rank.db"
    monkeypatch.setenv("LABLOG_DB", str(path))
    store = db.StoreURL(f"sqlite:///{path}", "test")
    db.prepare_sqlite_file(path)
    engine = db.create_engine(store)
    schema.upgrade(engine)
    today = date(2026, 11, 23)
    with Session(engine) as s, s.begin():
        orgs.add(s, code="FAV", name="Favrskov Kommune", sector="municipality")
        lab = labs.add(s, code="HJBH", name="Hjemmebehandling", today=today)
        lab_id = s.exec(select(Lab.id).where(Lab.code == lab.code)).one()
        # The backlog as a bulk load leaves it: evenly spread ranks, in key order.
        s.execute(
            sa.insert(BacklogItem),
            [
                {"lab_id": lab_id, "number": n + 1, "title": f"Punkt {n + 1}", "rank": rank}
                for n, rank in enumerate(ranking.spread(2000))
            ],
        )
    order = [f"HJBH-{n + 1}" for n in range(2000)]
    rng = random.Random(48)
    with Session(engine) as s, s.begin():
        for _ in range(1000):
            key = rng.choice(order)
            move = rng.choice(["top", "bottom", "before", "after", "before", "after"])
            order.remove(key)
            if move in ("top", "bottom"):
                backlog.rank(s, key=key, top=move == "top", bottom=move == "bottom")
                order.insert(0 if move == "top" else len(order), key)
            else:
                other = rng.choice(order)
                backlog.rank(s, key=key, **{move: other})
                i = order.index(other)
                order.insert(i if move == "before" else i + 1, key)
    engine.dispose()
    # Moves through the CLI, as a user types them.
    for key, where in [("HJBH-1", "--bottom"), ("HJBH-2000", "--top"), ("HJBH-7", "--after HJBH-2000")]:
        cli(f"backlog rank {key} {where}")
        order.remove(key)
        if where == "--bottom":
            order.append(key)
        elif where == "--top":
            order.insert(0, key)
        else:
            order.insert(order.index("HJBH-2000") + 1, key)
    listed = cli("backlog list HJBH --json").json()
    assert [i["key"] for i in listed] == order
    assert max(len(i["rank"]) for i in listed) <= backlog.MAX_RANK


def test_repeated_moves_to_the_top_respace_instead_of_growing(tmp_path):
    engine = db.create_engine(db.StoreURL(f"sqlite:///{tmp_path / 't.db'}", "test"))
    schema.upgrade(engine)
    today = date(2026, 11, 23)
    with Session(engine) as s, s.begin():
        orgs.add(s, code="FAV", name="Favrskov Kommune", sector="municipality")
        labs.add(s, code="HJBH", name="Hjemmebehandling", today=today)
        keys = [backlog.add(s, lab="HJBH", title=f"P{n}", on=today, actor=None).key for n in range(50)]
        for n in range(400):
            backlog.rank(s, key=keys[-1 - (n % 50)], top=True)
        ranks = [i.rank for i in backlog.list_items(s, lab="HJBH")]
    assert ranks == sorted(ranks)
    assert max(map(len, ranks)) <= backlog.MAX_RANK
