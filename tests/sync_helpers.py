"""The real Anki sync server and "the phone" (a second collection driven by the anki package),
for the `srs sync` tests and benchmark. No mocks: a server process on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USER, PASSWORD = "learner", "s3cret-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    endpoint: str
    port: int
    base: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_server(base: Path, port: int | None = None) -> Server:
    port = port or free_port()
    base.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        SYNC_USER1=f"{USER}:{PASSWORD}",
        SYNC_BASE=str(base),
        SYNC_HOST="127.0.0.1",
        SYNC_PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "anki.syncserver"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:  # pragma: no cover - a broken install
        process.kill()
        raise RuntimeError("the sync server did not start")
    return Server(f"http://127.0.0.1:{port}/", port, base, process)


@contextmanager
def running_server(base: Path) -> Iterator[Server]:
    server = start_server(base)
    try:
        yield server
    finally:
        server.stop()


class Phone:
    """A second Anki collection syncing with the same server: AnkiDroid in the tests."""

    def __init__(self, folder: Path, server: Server) -> None:
        from anki.collection import Collection

        folder.mkdir(parents=True, exist_ok=True)
        self.col: Any = Collection(str(folder / "collection.anki2"))
        self.auth = self.col.sync_login(USER, PASSWORD, server.endpoint)

    def sync(self) -> None:
        out = self.col.sync_collection(self.auth, True)
        if out.required in (out.FULL_SYNC, out.FULL_DOWNLOAD, out.FULL_UPLOAD):
            upload = out.required == out.FULL_UPLOAD
            self.col.close_for_full_sync()
            self.col.full_upload_or_download(
                auth=self.auth, server_usn=out.server_media_usn, upload=upload
            )
            self.col.reopen(after_full_sync=True)
        self.col.sync_media(self.auth)
        while self.col.media_sync_status().active:
            time.sleep(0.05)

    def answer(self, count: int, rating: str = "GOOD") -> list[int]:
        """Answer `count` cards from the queue of every deck; the card ids answered."""
        from anki.scheduler.v3 import CardAnswer

        answered = []
        did = self.col.db.scalar("SELECT did FROM cards ORDER BY did DESC LIMIT 1")
        if did:
            self.col.decks.select(did)
            conf = self.col.decks.config_dict_for_deck_id(did)
            if conf["new"]["perDay"] < 9999:
                conf["new"]["perDay"] = conf["rev"]["perDay"] = 9999
                self.col.decks.save(conf)
        for _ in range(count):
            queued = self.col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            top = queued.cards[0]
            card = self.col.get_card(top.card.id)
            card.start_timer()
            self.col.sched.answer_card(
                self.col.sched.build_answer(
                    card=card, states=top.states, rating=getattr(CardAnswer, rating)
                )
            )
            answered.append(card.id)
        return answered

    def answer_card(self, card_id: int, rating: str = "GOOD") -> None:
        """Answer one given card (through a filtered view of its deck's queue)."""
        from anki.scheduler.v3 import CardAnswer

        card = self.col.get_card(card_id)
        card.start_timer()
        states = self.col._backend.get_scheduling_states(card.id)
        self.col.sched.answer_card(
            self.col.sched.build_answer(
                card=card, states=states, rating=getattr(CardAnswer, rating)
            )
        )

    def answer_in_filtered_deck(
        self, card_id: int, rating: str = "GOOD", *, reschedule: bool = True
    ) -> None:
        """Answer one card from a filtered deck holding only it: with `reschedule`, Anki's
        "review ahead" (an early review, revlog type 3); without, cramming (changes nothing)."""
        filtered = self.col.sched.get_or_create_filtered_deck(deck_id=0)
        filtered.name = f"ahead {card_id}"
        del filtered.config.search_terms[:]
        filtered.config.search_terms.add(search=f"cid:{card_id}", limit=10, order=0)
        filtered.config.reschedule = reschedule
        did = self.col.sched.add_or_update_filtered_deck(filtered).id
        self.answer_card(card_id, rating)
        self.col.sched.empty_filtered_deck(did)

    def revlog(self) -> list[tuple[int, ...]]:
        rows = self.col.db.all("SELECT id, cid, ease, ivl, type FROM revlog")
        return [tuple(row) for row in rows]

    def notes(self) -> dict[str, list[str]]:
        """Front field -> fields, of every note."""
        out = {}
        for nid in self.col.db.list("SELECT id FROM notes"):
            note = self.col.get_note(nid)
            out[note.fields[0]] = list(note.fields)
        return out

    def close(self) -> None:
        self.col.close()
