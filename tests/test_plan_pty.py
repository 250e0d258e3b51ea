"""`srs plan` in a real terminal (issue 18): lines wrap at whole words and keep their indent.

Exam mode is set up as a learner would: a small deck with long domain names, imported with
`srs import`, the date set with `srs config set exam_date`, every command pinned with `--now`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_review_pty import spawn

NOW = "2026-11-28T09:00:00Z"
ALPHA = "Data Preparation for Machine Learning and Artificial Intelligence Workloads"
BETA = "Operating, Monitoring, and Securing Machine Learning Solutions in Production"


def deck(root: Path) -> Path:
    (root / "exams").mkdir(parents=True)
    (root / "exams" / "t.yaml").write_text(
        "code: T-01\nname: Test exam\nquestions: 10\nduration_minutes: 20\n"
        f"domains:\n  - {{id: '1', name: '{ALPHA}', weight: 50}}\n"
        f"  - {{id: '2', name: '{BETA}', weight: 50}}\n",
        encoding="utf-8",
    )
    for domain in ("1", "2"):
        lines = [f"---\nexam_domains: {{T-01: {domain}}}\n---\n"]
        lines += [f"Question {domain}.{i}? :: answer {i}\n" for i in range(8)]
        (root / f"d{domain}.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def run(db: Path, command: str, *args: str, cols: int = 100) -> list[str]:
    screen = spawn(db, *args, cols=cols, command=command, now=NOW)
    assert screen.finish() == 0, screen.text
    return screen.text.replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize("cols", [100, 40])
def test_plan_wraps_at_words_and_keeps_the_indent(tmp_path: Path, db_path: Path, cols: int) -> None:
    run(db_path, "import", str(deck(tmp_path / "decks")))
    run(db_path, "config", "set", "exam_date", "2027-01-27")
    lines = run(db_path, "plan", cols=cols)
    assert all(len(line) <= cols for line in lines), "\n".join(lines)
    text = " ".join(" ".join(lines).split())
    # Every word whole: the wrapped text reads the same as the one-line-per-figure text.
    for said in (
        "T-01 on 2027-01-27: 60 days left",
        f"1 {ALPHA}:",
        f"* 2 {BETA}:" if "* 2" in text else f"2 {BETA}:",
        "if you keep to the plan (likely",
        "* weakest domain: work on it first",
    ):
        assert said in text, (said, lines)
    # A figure stays with its unit, as in `srs stats` ("98.2%").
    assert not any(line.strip().startswith("%") for line in lines), lines
    assert "99.9%" in text or "99.8%" in text, lines
    # A domain's row wraps under its own name, past the weakest-domain mark.
    first = next(i for i, line in enumerate(lines) if line.startswith(("  1 ", "* 1 ")))
    rest = lines[first + 1 : next(i for i, line in enumerate(lines) if "2 Operating" in line)]
    assert all(line.startswith("  ") and line[2] != " " for line in rest), lines
    assert len(rest) >= (3 if cols == 40 else 1), lines
