"""Colours of highlighted code in exported cards: Pygments token classes, scoped to `.srs-code`.

`srs.render` highlights fenced code with Pygments' short token classes (`<span class="k">`),
which the sanitiser keeps (and nothing else); these rules colour them in the note types' CSS,
with Pygments' "default" style and, in Anki's night mode, "github-dark". The text is generated
once and kept here, so the CSS (and `NOTETYPE_MOD`) changes only when this file does:

    HtmlFormatter(style=...).get_style_defs(".srs-code"), token rules only, comments dropped.
"""

from __future__ import annotations

__all__ = ["CODE_CSS"]

CODE_CSS = """\
.srs-code .c { color: #3D7B7B; font-style: italic }
.srs-code .err { border: 1px solid #F00 }
.srs-code .k { color: #008000; font-weight: bold }
.srs-code .o { color: #666 }
.srs-code .ch { color: #3D7B7B; font-style: italic }
.srs-code .cm { color: #3D7B7B; font-style: italic }
.srs-code .cp { color: #9C6500 }
.srs-code .cpf { color: #3D7B7B; font-style: italic }
.srs-code .c1 { color: #3D7B7B; font-style: italic }
.srs-code .cs { color: #3D7B7B; font-style: italic }
.srs-code .gd { color: #A00000 }
.srs-code .ge { font-style: italic }
.srs-code .ges { font-weight: bold; font-style: italic }
.srs-code .gr { color: #E40000 }
.srs-code .gh { color: #000080; font-weight: bold }
.srs-code .gi { color: #008400 }
.srs-code .go { color: #717171 }
.srs-code .gp { color: #000080; font-weight: bold }
.srs-code .gs { font-weight: bold }
.srs-code .gu { color: #800080; font-weight: bold }
.srs-code .gt { color: #04D }
.srs-code .kc { color: #008000; font-weight: bold }
.srs-code .kd { color: #008000; font-weight: bold }
.srs-code .kn { color: #008000; font-weight: bold }
.srs-code .kp { color: #008000 }
.srs-code .kr { color: #008000; font-weight: bold }
.srs-code .kt { color: #B00040 }
.srs-code .m { color: #666 }
.srs-code .s { color: #BA2121 }
.srs-code .na { color: #687822 }
.srs-code .nb { color: #008000 }
.srs-code .nc { color: #00F; font-weight: bold }
.srs-code .no { color: #800 }
.srs-code .nd { color: #A2F }
.srs-code .ni { color: #717171; font-weight: bold }
.srs-code .ne { color: #CB3F38; font-weight: bold }
.srs-code .nf { color: #00F }
.srs-code .nl { color: #767600 }
.srs-code .nn { color: #00F; font-weight: bold }
.srs-code .nt { color: #008000; font-weight: bold }
.srs-code .nv { color: #19177C }
.srs-code .ow { color: #A2F; font-weight: bold }
.srs-code .w { color: #BBB }
.srs-code .mb { color: #666 }
.srs-code .mf { color: #666 }
.srs-code .mh { color: #666 }
.srs-code .mi { color: #666 }
.srs-code .mo { color: #666 }
.srs-code .sa { color: #BA2121 }
.srs-code .sb { color: #BA2121 }
.srs-code .sc { color: #BA2121 }
.srs-code .dl { color: #BA2121 }
.srs-code .sd { color: #BA2121; font-style: italic }
.srs-code .s2 { color: #BA2121 }
.srs-code .se { color: #AA5D1F; font-weight: bold }
.srs-code .sh { color: #BA2121 }
.srs-code .si { color: #A45A77; font-weight: bold }
.srs-code .sx { color: #008000 }
.srs-code .sr { color: #A45A77 }
.srs-code .s1 { color: #BA2121 }
.srs-code .ss { color: #19177C }
.srs-code .bp { color: #008000 }
.srs-code .fm { color: #00F }
.srs-code .vc { color: #19177C }
.srs-code .vg { color: #19177C }
.srs-code .vi { color: #19177C }
.srs-code .vm { color: #19177C }
.srs-code .il { color: #666 }
.nightMode .srs-code .c { color: #8B949E; font-style: italic }
.nightMode .srs-code .err { color: #F85149 }
.nightMode .srs-code .esc { color: #E6EDF3 }
.nightMode .srs-code .g { color: #E6EDF3 }
.nightMode .srs-code .k { color: #FF7B72 }
.nightMode .srs-code .l { color: #A5D6FF }
.nightMode .srs-code .n { color: #E6EDF3 }
.nightMode .srs-code .o { color: #FF7B72; font-weight: bold }
.nightMode .srs-code .x { color: #E6EDF3 }
.nightMode .srs-code .p { color: #E6EDF3 }
.nightMode .srs-code .ch { color: #8B949E; font-style: italic }
.nightMode .srs-code .cm { color: #8B949E; font-style: italic }
.nightMode .srs-code .cp { color: #8B949E; font-weight: bold; font-style: italic }
.nightMode .srs-code .cpf { color: #8B949E; font-style: italic }
.nightMode .srs-code .c1 { color: #8B949E; font-style: italic }
.nightMode .srs-code .cs { color: #8B949E; font-weight: bold; font-style: italic }
.nightMode .srs-code .gd { color: #FFA198; background-color: #490202 }
.nightMode .srs-code .ge { color: #E6EDF3; font-style: italic }
.nightMode .srs-code .ges { color: #E6EDF3; font-weight: bold; font-style: italic }
.nightMode .srs-code .gr { color: #FFA198 }
.nightMode .srs-code .gh { color: #79C0FF; font-weight: bold }
.nightMode .srs-code .gi { color: #56D364; background-color: #0F5323 }
.nightMode .srs-code .go { color: #8B949E }
.nightMode .srs-code .gp { color: #8B949E }
.nightMode .srs-code .gs { color: #E6EDF3; font-weight: bold }
.nightMode .srs-code .gu { color: #79C0FF }
.nightMode .srs-code .gt { color: #FF7B72 }
.nightMode .srs-code .g-Underline { color: #E6EDF3; text-decoration: underline }
.nightMode .srs-code .kc { color: #79C0FF }
.nightMode .srs-code .kd { color: #FF7B72 }
.nightMode .srs-code .kn { color: #FF7B72 }
.nightMode .srs-code .kp { color: #79C0FF }
.nightMode .srs-code .kr { color: #FF7B72 }
.nightMode .srs-code .kt { color: #FF7B72 }
.nightMode .srs-code .ld { color: #79C0FF }
.nightMode .srs-code .m { color: #A5D6FF }
.nightMode .srs-code .s { color: #A5D6FF }
.nightMode .srs-code .na { color: #E6EDF3 }
.nightMode .srs-code .nb { color: #E6EDF3 }
.nightMode .srs-code .nc { color: #F0883E; font-weight: bold }
.nightMode .srs-code .no { color: #79C0FF; font-weight: bold }
.nightMode .srs-code .nd { color: #D2A8FF; font-weight: bold }
.nightMode .srs-code .ni { color: #FFA657 }
.nightMode .srs-code .ne { color: #F0883E; font-weight: bold }
.nightMode .srs-code .nf { color: #D2A8FF; font-weight: bold }
.nightMode .srs-code .nl { color: #79C0FF; font-weight: bold }
.nightMode .srs-code .nn { color: #FF7B72 }
.nightMode .srs-code .nx { color: #E6EDF3 }
.nightMode .srs-code .py { color: #79C0FF }
.nightMode .srs-code .nt { color: #7EE787 }
.nightMode .srs-code .nv { color: #79C0FF }
.nightMode .srs-code .ow { color: #FF7B72; font-weight: bold }
.nightMode .srs-code .pm { color: #E6EDF3 }
.nightMode .srs-code .w { color: #6E7681 }
.nightMode .srs-code .mb { color: #A5D6FF }
.nightMode .srs-code .mf { color: #A5D6FF }
.nightMode .srs-code .mh { color: #A5D6FF }
.nightMode .srs-code .mi { color: #A5D6FF }
.nightMode .srs-code .mo { color: #A5D6FF }
.nightMode .srs-code .sa { color: #79C0FF }
.nightMode .srs-code .sb { color: #A5D6FF }
.nightMode .srs-code .sc { color: #A5D6FF }
.nightMode .srs-code .dl { color: #79C0FF }
.nightMode .srs-code .sd { color: #A5D6FF }
.nightMode .srs-code .s2 { color: #A5D6FF }
.nightMode .srs-code .se { color: #79C0FF }
.nightMode .srs-code .sh { color: #79C0FF }
.nightMode .srs-code .si { color: #A5D6FF }
.nightMode .srs-code .sx { color: #A5D6FF }
.nightMode .srs-code .sr { color: #79C0FF }
.nightMode .srs-code .s1 { color: #A5D6FF }
.nightMode .srs-code .ss { color: #A5D6FF }
.nightMode .srs-code .bp { color: #E6EDF3 }
.nightMode .srs-code .fm { color: #D2A8FF; font-weight: bold }
.nightMode .srs-code .vc { color: #79C0FF }
.nightMode .srs-code .vg { color: #79C0FF }
.nightMode .srs-code .vi { color: #79C0FF }
.nightMode .srs-code .vm { color: #79C0FF }
.nightMode .srs-code .il { color: #A5D6FF }
"""
