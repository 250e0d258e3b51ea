"""Cards and explanations from the learner's own language model (`srs draft`, `srs explain`).

Modules: `ask` (the only one importing the optional `llm` library), `prompts` (exactly what
is sent), `check` (every drafted card through the real parser, sanitising, duplicates),
`write` (the draft file), `draft` and `explain` (the use cases). See docs/llm.md.
"""
