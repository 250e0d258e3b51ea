"""The sync login: the server's host key (never the password) in a file only the user reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

from srs.errors import SyncError
from srs.model import value_class

ANKIWEB = "AnkiWeb"
_FILE = "login.json"


@value_class
class Login:
    """Who srs syncs as: the endpoint (None = AnkiWeb), the user name and the host key."""

    endpoint: str | None
    username: str
    hkey: str

    @property
    def server(self) -> str:
        return self.endpoint or ANKIWEB


def sync_folder(db: Path) -> Path:
    """The folder beside a collection file holding its mirror, login and lock."""
    return db.parent / f"{db.name}.anki"


def load_login(folder: Path) -> Login | None:
    try:
        data = json.loads((folder / _FILE).read_text(encoding="utf-8"))
        return Login(data.get("endpoint"), str(data["username"]), str(data["hkey"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SyncError(f"{folder / _FILE}: unreadable login ({e}); run srs sync login") from None


def save_login(folder: Path, login: Login) -> Path:
    """Write the login file (mode 0600, replaced atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _FILE
    tmp = folder / f".{_FILE}.tmp"
    data = {"endpoint": login.endpoint, "username": login.username, "hkey": login.hkey}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, json.dumps(data).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def remove_login(folder: Path) -> bool:
    """Forget the login; True when there was one."""
    try:
        (folder / _FILE).unlink()
    except FileNotFoundError:
        return False
    return True
