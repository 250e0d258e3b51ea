"""Turn the paths a user typed into the deck files to read, in a deterministic order.

Folders are walked recursively for files of a registered deck format (`srs.decks.formats`:
`*.md`), sorted by relative path, hidden entries such as `.git` skipped. Symbolic links inside
a walked folder are not followed (their targets inside it are read under their real names;
links that lead outside are skipped with a warning), so a hostile tree can neither hang the
walk (link loops) nor pull in files from elsewhere. A file named explicitly is read whatever
its suffix (as Markdown, unless its suffix is registered): the user asked for it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from srs.decks.formats import deck_suffixes
from srs.errors import DeckProblem
from srs.model import DeckFile

__all__ = ["DeckFile", "absolute", "deck_file_under", "discover"]


def absolute(path: Path) -> str:
    """The POSIX absolute form of a deck path, as the store keeps it."""
    return path.resolve().as_posix()


def _display(path: Path) -> str:
    """The user's spelling of a path with POSIX separators and no trailing slash."""
    text = path.as_posix()
    return text.rstrip("/") or "/"


def _stem(name: str) -> str:
    stem = PurePosixPath(name).stem
    return stem or name or "Default"


def deck_file_under(root: Path, rel: PurePosixPath) -> DeckFile:
    """The deck file `discover([root])` lists for the file at `rel` below the folder `root`:
    its display (the user's spelling of `root` joined with `rel`) and its default deck."""
    deck = "/".join([*rel.parent.parts, _stem(rel.name)])
    return DeckFile(root.joinpath(*rel.parts), _join(_display(root), rel), deck)


def discover(paths: Sequence[Path]) -> tuple[list[DeckFile], list[DeckProblem]]:
    """Expand files and folders into deck files; problems for paths that cannot be used.

    A missing path is an error (`line` 0: there is no line to point at). Links that leave a
    walked folder, broken links and link loops are skipped with a warning problem
    (`warning=True`). The same file reached twice is returned once, at its first place.
    """
    files: list[DeckFile] = []
    problems: list[DeckProblem] = []
    seen: set[Path] = set()

    def add(deck: DeckFile) -> None:
        key = deck.path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(deck)

    for given in paths:
        display = _display(Path(given))
        try:
            info = os.stat(given)
        except FileNotFoundError:
            problems.append(DeckProblem(display, 0, "no such file or directory"))
            continue
        except OSError as e:
            problems.append(DeckProblem(display, 0, f"cannot open: {e.strerror or e}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk(Path(given), display, add, problems)
        elif stat.S_ISREG(info.st_mode):
            add(DeckFile(Path(given), display, _stem(Path(given).name)))
        else:
            problems.append(DeckProblem(display, 0, "not a regular file or folder"))
    return files, problems


def _walk(
    root: Path,
    root_display: str,
    add: Callable[[DeckFile], None],
    problems: list[DeckProblem],
) -> None:
    """Depth-first walk of `root` in sorted order, staying inside it.

    Links are not followed: a link leading inside the root names a file or folder that is
    read under its real name anyway (and not following links makes loops impossible); a
    link leading outside is skipped with a warning.
    """
    try:
        real_root = root.resolve(strict=True)
    except (OSError, RuntimeError) as e:
        problems.append(DeckProblem(root_display, 0, f"cannot open folder: {e}"))
        return
    suffixes = deck_suffixes()
    visited: set[Path] = {real_root}
    found: list[tuple[PurePosixPath, Path]] = []
    stack: list[tuple[Path, PurePosixPath]] = [(root, PurePosixPath())]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            where = _join(root_display, rel_folder)
            problems.append(DeckProblem(where, 0, f"cannot read folder: {e.strerror or e}"))
            continue
        subfolders: list[tuple[Path, PurePosixPath]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = rel_folder / entry.name
            path = Path(entry.path)
            is_link = entry.is_symlink()
            if is_link:
                where = _join(root_display, rel)
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError) as e:
                    # Python 3.11 reports a loop as RuntimeError, later versions as ELOOP.
                    loop = isinstance(e, RuntimeError) or getattr(e, "errno", None) == errno.ELOOP
                    if entry.name.lower().endswith(suffixes):
                        why = "symbolic link loop" if loop else "broken symbolic link"
                        problems.append(DeckProblem(where, 0, f"{why}; skipped", warning=True))
                    continue
                if not target.is_relative_to(real_root):
                    problems.append(
                        DeckProblem(
                            where,
                            0,
                            f"symbolic link leads outside '{root_display}'; skipped",
                            warning=True,
                        )
                    )
                    continue
                # Inside the root, the target is read under its real name; reading it
                # through the link too would make its cards' path depend on sort order.
                continue
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                real = path.resolve()
                if real not in visited:  # belt and braces: bind mounts can loop too
                    visited.add(real)
                    subfolders.append((path, rel))
            elif is_file and entry.name.lower().endswith(suffixes):
                found.append((rel, path))
        # Reverse so the stack pops folders in sorted order (depth-first, deterministic).
        stack.extend(reversed(subfolders))
    for rel, path in sorted(found, key=lambda item: item[0].parts):
        found_file = deck_file_under(root, rel)
        add(DeckFile(path, found_file.display, found_file.default_deck))


def _join(root_display: str, rel: PurePosixPath) -> str:
    if not rel.parts:
        return root_display
    if root_display in ("", "."):
        return rel.as_posix()
    if root_display == "/":
        return "/" + rel.as_posix()
    return f"{root_display}/{rel.as_posix()}"
