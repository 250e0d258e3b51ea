"""The one door to the learner's model: simonw's `llm` library, an optional extra (`srs[llm]`).

Only this module imports `llm`, and only when a command asks a model something, so the base
install and `srs --help` never load it. Every failure becomes one `LlmError` line: `llm` not
installed, no model chosen, an unknown model, a missing key, a provider error, a timeout.
Nothing is written by the callers until `ask` has returned.

The model is the caller's (`--model`), else `SRS_LLM_MODEL`, else `llm models default`;
srs never falls back to `llm`'s built-in default, so nothing is sent to a model the learner
did not pick.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from srs.errors import SrsError
from srs.model import value_class

__all__ = ["DEFAULT_TIMEOUT", "MAX_REPLY", "Asked", "LlmError", "ask", "model_name"]

INSTALL_HINT = "pip install 'srs[llm]'"
MODEL_ENV = "SRS_LLM_MODEL"
DEFAULT_TIMEOUT = 120.0  # seconds one answer may take
MAX_REPLY = 200_000  # characters kept of a reply (a deck of K cards is a few KB)


class LlmError(SrsError):
    """The model could not be asked (one line, for the user)."""


@value_class
class Asked:
    """What one question to the model sent and got back."""

    model: str  # the model's id
    system: str
    prompt: str
    reply: str


def _llm() -> Any:
    try:
        import llm
    except ImportError:
        raise LlmError(f"this command needs the llm extra: {INSTALL_HINT}") from None
    return llm


def model_name(chosen: str | None) -> str:
    """The model to ask: the chosen one, else `SRS_LLM_MODEL`, else `llm models default`.

    LlmError when there is none of them (llm's built-in default is never used).
    """
    chosen = chosen or os.environ.get(MODEL_ENV, "").strip()
    if chosen:
        return chosen
    llm = _llm()
    if not (llm.user_dir() / "default_model.txt").is_file():
        raise LlmError(
            "no model configured: pass --model MODEL or run `llm models default MODEL`"
            " (see docs/llm.md)"
        )
    return str(llm.get_default_model())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


def _resolve(llm: Any, name: str) -> Any:
    try:
        model = llm.get_model(name)
    except llm.UnknownModelError:
        raise LlmError(f"unknown model {name!r}; `llm models` lists the installed ones") from None
    try:
        model.get_key()  # None for a model without a key; raises when one is needed and missing
    except llm.errors.NeedsKeyException:
        raise LlmError(
            f"model {name!r} needs an API key: run `llm keys set {model.needs_key}`"
        ) from None
    return model


def ask(model: str | None, system: str, prompt: str, *, timeout: float = DEFAULT_TIMEOUT) -> Asked:
    """Send one prompt (with its system prompt) and wait up to `timeout` seconds for the text.

    The call runs in a daemon thread: a provider that hangs cannot hold the command, which
    reports the timeout and exits (the thread dies with the process).
    """
    llm = _llm()
    name = model_name(model)
    resolved = _resolve(llm, name)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            response = resolved.prompt(prompt, system=system)
            result["text"] = response.text()
        except BaseException as e:  # reported in the caller's thread
            result["error"] = e

    worker = threading.Thread(target=run, name="srs-llm", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise LlmError(f"model {name!r} did not answer within {timeout:g} s; nothing was written")
    error = result.get("error")
    if isinstance(error, llm.errors.NeedsKeyException):
        raise LlmError(f"model {name!r} needs an API key: {_first_line(error)}")
    if error is not None:
        raise LlmError(f"model {name!r} failed: {_first_line(error)}; nothing was written")
    text = str(result.get("text") or "")
    if not text.strip():
        raise LlmError(f"model {name!r} gave an empty answer; nothing was written")
    return Asked(str(resolved.model_id), system, prompt, text[:MAX_REPLY])
