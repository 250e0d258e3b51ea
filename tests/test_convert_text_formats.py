"""`srs convert` of Obsidian Spaced Repetition vaults and hashcards folders (real files), and
Obsidian's `![[x.png]]` embeds in srs's own deck format (review screen and Anki export)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from srs.cli.app import app

runner = CliRunner()
NOW = "2026-12-02T12:00:00Z"


def srs_json(*args: str) -> Any:
    result = runner.invoke(app, ["--now", NOW, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def vault(tmp_path: Path, *, bold: bool = False) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian" / "plugins" / "obsidian-spaced-repetition").mkdir(
        parents=True, exist_ok=True
    )
    if bold:
        (root / ".obsidian/plugins/obsidian-spaced-repetition/data.json").write_text(
            json.dumps({"convertBoldTextToClozes": True})
        )
    (root / "attachments").mkdir(exist_ok=True)
    (root / "attachments" / "cell.png").write_bytes(b"\x89PNG fake cell")
    (root / "biology.md").write_text(
        """#flashcards/bio

# Cells

Mitochondria::powerhouse of the cell
<!--SR:!2026-12-10,12,250-->

DNA:::deoxyribonucleic acid <!--SR:!2026-12-05,3,230!2026-12-20,20,270-->

What does this picture show?
?
![[cell.png]]
A cell.

Which bases pair?
??
A with T
<!--SR:!2026-12-08,8,250!2026-12-09,9,260-->

The ==nucleus== holds the ==DNA==^[a molecule].
<!--SR:!2026-12-04,4,250!2026-12-06,6,250-->

#flashcards/maths What is 2+2?::4

Prose with **bold** words and `code::not a card`.
""",
        encoding="utf-8",
    )
    (root / "diary.md").write_text("No tag here: a::b\n", encoding="utf-8")
    return root


def cards(db: Path) -> dict[str, dict[str, Any]]:
    return {c["front"]: c for c in srs_json("--db", str(db), "cards")}


def test_an_obsidian_vault_converts_with_its_progress(tmp_path: Path) -> None:
    db = tmp_path / "srs.db"
    out = tmp_path / "out"
    report = srs_json("--db", str(db), "convert", str(vault(tmp_path)), "--to", str(out))
    assert report["format"] == "obsidian"
    assert report["files_written"] == ["flashcards/bio.md", "flashcards/maths.md"]
    assert report["notes"] == 6 and report["cards"] == 9 and report["media"] == 1
    assert (out / "flashcards" / "media" / "cell.png").read_bytes() == b"\x89PNG fake cell"
    got = cards(db)
    assert set(got) == {
        "Mitochondria",
        "DNA",
        "deoxyribonucleic acid",
        "What does this picture show?",
        "Which bases pair?",
        "A with T",
        "The [...] holds the DNA.",
        "The nucleus holds the [a molecule].",
        "What is 2+2?",
    }
    assert got["What is 2+2?"]["deck"] == "flashcards/maths"
    assert got["Mitochondria"]["deck"] == "flashcards/bio"
    # <!--SR:!date,interval,ease--> is each card's starting state, sibling by sibling.
    expected = {
        "Mitochondria": ("2026-12-10", 12, 2.5),
        "DNA": ("2026-12-05", 3, 2.3),
        "deoxyribonucleic acid": ("2026-12-20", 20, 2.7),
        "Which bases pair?": ("2026-12-08", 8, 2.5),
        "A with T": ("2026-12-09", 9, 2.6),
        "The [...] holds the DNA.": ("2026-12-04", 4, 2.5),
        "The nucleus holds the [a molecule].": ("2026-12-06", 6, 2.5),
    }
    for front, (due, interval, ease) in expected.items():
        card = got[front]
        assert (card["state"], card["due_day"], card["interval_days"], card["ease"]) == (
            "review",
            due,
            interval,
            ease,
        ), front
    assert got["What does this picture show?"]["state"] == "new"
    assert "![](media/cell.png)" in got["What does this picture show?"]["back"]
    again = srs_json("--db", str(db), "convert", str(vault(tmp_path)), "--to", str(out))
    assert again["files_written"] == [] and again["import"]["added"] == 0


def test_bold_clozes_follow_the_vaults_plugin_settings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = srs_json("convert", str(vault(tmp_path, bold=True)), "--to", str(out), "--no-import")
    assert report["notes"] == 7  # the prose paragraph's **bold** is now a cloze
    assert "{{c1::bold}}" in (out / "flashcards" / "bio.md").read_text()


def test_a_hashcards_folder_converts(tmp_path: Path) -> None:
    root = tmp_path / "hashcards"
    (root / "img").mkdir(parents=True)
    (root / "img" / "map.png").write_bytes(b"\x89PNG map")
    (root / "geo.md").write_text(
        """---
name = "Geography"
---
Q: Capital of France?
A: Paris
![map](@/img/map.png)

C: [Berlin] is the capital of [Germany]; see [docs](https://example.org) and \\[not this].

---
Q: A question
on two lines?
A: Yes.
""",
        encoding="utf-8",
    )
    db = tmp_path / "srs.db"
    out = tmp_path / "out"
    report = srs_json("--db", str(db), "convert", str(root), "--to", str(out))
    assert report["format"] == "hashcards"
    assert report["notes"] == 3 and report["cards"] == 4 and report["media"] == 1
    got = cards(db)
    assert got["Capital of France?"]["deck"] == "Geography"
    assert "![map](media/map.png)" in got["Capital of France?"]["back"]
    assert "A question\non two lines?" in got
    cloze = [c for c in got.values() if c["kind"] == "cloze"]
    assert sorted(c["front"] for c in cloze) == [
        "Berlin is the capital of [...]; see [docs](https://example.org) and [not this].",
        "[...] is the capital of Germany; see [docs](https://example.org) and [not this].",
    ]
    assert (out / "media" / "map.png").exists()


def test_obsidian_embeds_work_in_srs_decks_for_review_and_export(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "dot.png").write_bytes(b"\x89PNG dot")
    (decks / "d.md").write_text("Q: What is this?\nA: ![[dot.png]] a dot\n", encoding="utf-8")
    db = tmp_path / "srs.db"
    assert runner.invoke(app, ["--db", str(db), "import", str(decks)]).exit_code == 0
    out = tmp_path / "out.apkg"
    report = srs_json("--db", str(db), "export", "anki", str(out))
    assert report["media"] == 1
    with zipfile.ZipFile(out) as archive:
        media = json.loads(archive.read("media"))
        assert next(iter(media.values())).startswith("dot-")
    from srs.cli.screen import markdown
    from srs.markdown_scan import wiki_embeds
    from srs.render import render_markdown

    assert (
        wiki_embeds("![[my dot.png|200]] `![[code]]`") == "![my dot.png](my%20dot.png) `![[code]]`"
    )
    assert render_markdown("![[dot.png]]").images == ("dot.png",)
    from rich.console import Console

    console = Console(record=True, width=60)
    console.print(markdown("![[dot.png]] a dot"))
    shown = console.export_text()
    assert "![[" not in shown and "dot.png" in shown


def test_a_note_not_in_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    """Obsidian and hashcards files go through one reader: a bad byte names file and line."""
    bad = "Q: caf\u00e9?\nA: ok\nQ: na\u00efve?\nA: x\n".encode("latin-1")
    root = vault(tmp_path)
    (root / "latin.md").write_bytes(b"#flashcards\n" + bad)
    hashcards = tmp_path / "hashcards"
    hashcards.mkdir()
    (hashcards / "latin.md").write_bytes(bad)
    for source, line in ((root, 2), (hashcards, 1)):
        out = tmp_path / f"out-{source.name}"
        result = runner.invoke(
            app,
            [
                "--db",
                str(tmp_path / "srs.db"),
                "--now",
                NOW,
                "convert",
                str(source),
                "--to",
                str(out),
            ],
        )
        assert result.exit_code == 1, result.output
        assert f"{source / 'latin.md'}:{line}: not UTF-8 text" in result.output
        assert not out.exists() and not (tmp_path / "srs.db").exists()
