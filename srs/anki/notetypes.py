"""The four Anki note types srs exports, with fixed ids, templates and CSS.

Anki matches note types by id. If an incoming note type has the same id but a different
schema (field or template names or counts), Anki adds a copy and reports existing notes as
"conflicting" instead of updating them. So:

* never change an id;
* when fields or templates change, give the note type a new id (and a new name suffix);
* when only templates' HTML or the CSS change, raise `NOTETYPE_MOD`: Anki replaces a note
  type with the same schema when the incoming one is newer.

The ids are fixed millisecond timestamps in the past (Anki rewrites ids in the future).
"""

from __future__ import annotations

from srs.anki.code_css import CODE_CSS
from srs.model import NoteKind, value_class

__all__ = [
    "BASIC",
    "BOTH",
    "CLOZE",
    "MCQ",
    "NOTETYPES",
    "NOTETYPE_MOD",
    "NoteType",
    "for_kind",
    "models_json",
]

# Seconds; bump whenever a template or the CSS below changes.
NOTETYPE_MOD = 1_764_700_000  # raised for highlighted code (srs.anki.code_css)

CSS = """\
.card {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  margin: 0;
  padding: 12px 16px;
}
.card.nightMode, .nightMode .card { color: #e6edf3; background-color: #1e1e1e; }
.srs-card { max-width: 42em; margin: 0 auto; overflow-wrap: anywhere; }
.srs-card p { margin: 0.5em 0; }
.srs-card img { max-width: 100%; height: auto; }
.srs-card pre {
  font-size: 0.8em;
  line-height: 1.4;
  padding: 0.6em 0.8em;
  border-radius: 6px;
  background: rgba(127, 127, 127, 0.12);
  overflow-x: auto;
  white-space: pre;
  overflow-wrap: normal;
}
.srs-card code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.9em;
}
.srs-card table { border-collapse: collapse; margin: 0.6em 0; display: block; overflow-x: auto; }
.srs-card th, .srs-card td { border: 1px solid rgba(127, 127, 127, 0.45); padding: 0.25em 0.6em; }
.srs-card th { background: rgba(127, 127, 127, 0.12); }
.srs-card blockquote { margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #8c959f; }
hr#answer { border: 0; border-top: 1px solid rgba(127, 127, 127, 0.45); margin: 1em 0; }
.cloze { font-weight: bold; color: #0969da; }
.nightMode .cloze { color: #58a6ff; }
.srs-extra { margin-top: 0.8em; }
.srs-options { list-style: none; padding: 0; margin: 0.8em 0; }
.srs-option {
  display: flex;
  gap: 0.6em;
  margin: 0.4em 0;
  padding: 0.4em 0.6em;
  border: 1px solid rgba(127, 127, 127, 0.35);
  border-radius: 6px;
}
.srs-letter { font-weight: bold; min-width: 1.4em; }
.srs-option-body > p:first-child { margin-top: 0; }
.srs-option-body > p:last-child { margin-bottom: 0; }
.srs-select { font-size: 0.85em; font-style: italic; opacity: 0.8; }
.srs-mark, .srs-rationale { display: none; }
.srs-answer .srs-mark { display: inline; font-weight: bold; }
.srs-answer .srs-rationale { display: block; font-size: 0.9em; opacity: 0.85; margin-top: 0.2em; }
.srs-answer .srs-correct { border-color: #1a7f37; background: rgba(26, 127, 55, 0.12); }
.srs-answer .srs-correct .srs-mark { color: #1a7f37; }
.srs-answer .srs-wrong .srs-mark { color: #cf222e; }
.srs-answer .srs-wrong { opacity: 0.75; }
.srs-key { font-weight: bold; margin: 0.6em 0; }
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 8px 10px; }
}
"""


@value_class
class Template:
    """One card template: question and answer HTML with Anki's {{Field}} syntax."""

    name: str
    qfmt: str
    afmt: str


@value_class
class NoteType:
    """An Anki note type as srs writes it."""

    id: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    cloze: bool = False

    def to_schema11(self) -> dict[str, object]:
        """The legacy (schema 11) JSON object Anki stores in `col.models`."""
        return {
            "id": self.id,
            "name": self.name,
            "type": 1 if self.cloze else 0,
            "mod": NOTETYPE_MOD,
            "usn": -1,
            "sortf": 0,
            "did": None,
            "tmpls": [
                {
                    "name": t.name,
                    "ord": ord_,
                    "qfmt": t.qfmt,
                    "afmt": t.afmt,
                    "bqfmt": "",
                    "bafmt": "",
                    "did": None,
                    "bfont": "",
                    "bsize": 0,
                }
                for ord_, t in enumerate(self.templates)
            ],
            "flds": [
                {
                    "name": name,
                    "ord": ord_,
                    "sticky": False,
                    "rtl": False,
                    "font": "Arial",
                    "size": 20,
                    "description": "",
                    "plainText": False,
                    "collapsed": False,
                    "excludeFromSearch": False,
                }
                for ord_, name in enumerate(self.fields)
            ],
            "css": CSS + CODE_CSS,
            "latexPre": _LATEX_PRE,
            "latexPost": "\\end{document}",
            "latexsvg": False,
            # Which fields must be non-empty for each template: only old clients read it.
            "req": [] if self.cloze else [[i, "any", [i]] for i in range(len(self.templates))],
        }


_LATEX_PRE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n"
    "\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n"
    "\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)


def _wrap(body: str) -> str:
    return f'<div class="srs-card">\n{body}\n</div>'


def _basic_side(question: str, answer: str) -> Template:
    return Template(
        name="",
        qfmt=_wrap("{{" + question + "}}"),
        afmt=_wrap("{{" + question + "}}\n<hr id=answer>\n{{" + answer + "}}"),
    )


_forward = _basic_side("Front", "Back")
_reverse = _basic_side("Back", "Front")

BASIC = NoteType(
    id=1_700_000_000_101,
    name="srs Basic",
    fields=("Front", "Back"),
    templates=(Template("Card 1", _forward.qfmt, _forward.afmt),),
)

BOTH = NoteType(
    id=1_700_000_000_102,
    name="srs Basic (and reversed card)",
    fields=("Front", "Back"),
    templates=(
        Template("Card 1", _forward.qfmt, _forward.afmt),
        Template("Card 2", _reverse.qfmt, _reverse.afmt),
    ),
)

CLOZE = NoteType(
    id=1_700_000_000_103,
    name="srs Cloze",
    fields=("Text", "Back Extra"),
    templates=(
        Template(
            "Cloze",
            _wrap("{{cloze:Text}}"),
            _wrap(
                '{{cloze:Text}}\n{{#Back Extra}}<div class="srs-extra">{{Back Extra}}</div>'
                "{{/Back Extra}}"
            ),
        ),
    ),
    cloze=True,
)

# The Options field holds srs-built markup (`srs-option`, `srs-correct`/`srs-wrong`,
# `srs-mark`, `srs-rationale`); the CSS hides marks and rationales on the question side and
# shows them inside `.srs-answer`, so one field serves both sides without JavaScript.
MCQ = NoteType(
    id=1_700_000_000_104,
    name="srs Multiple choice",
    fields=("Stem", "Options", "Correct letters", "Explanation"),
    templates=(
        Template(
            "Card 1",
            _wrap('{{Stem}}\n<div class="srs-question">{{Options}}</div>'),
            _wrap(
                '{{Stem}}\n<div class="srs-answer">{{Options}}</div>\n<hr id=answer>\n'
                '<div class="srs-key">Answer: {{Correct letters}}</div>\n'
                '{{#Explanation}}<div class="srs-extra">{{Explanation}}</div>{{/Explanation}}'
            ),
        ),
    ),
)

NOTETYPES: tuple[NoteType, ...] = (BASIC, BOTH, CLOZE, MCQ)

_BY_KIND = {NoteKind.BASIC: BASIC, NoteKind.BOTH: BOTH, NoteKind.CLOZE: CLOZE, NoteKind.MCQ: MCQ}


def for_kind(kind: NoteKind) -> NoteType:
    """The note type a note of this kind is exported as."""
    return _BY_KIND[kind]


def models_json() -> dict[str, dict[str, object]]:
    """`col.models` for a package: every srs note type, keyed by id."""
    return {str(nt.id): nt.to_schema11() for nt in NOTETYPES}
