#!/usr/bin/env python3
"""Add (or replace) a local editor account in .streamlit/secrets.toml.

    python scripts/add_user.py alice --name "Alice Example"            # prompts for the password twice
    printf '%s\n' "$PW" | python scripts/add_user.py alice --password-stdin
    python scripts/add_user.py alice --replace                          # new password for an existing user
    python scripts/add_user.py root --admin                             # may lift sign-in locks (Data page)
    python scripts/add_user.py bob --reviewer                           # may publish a round in review

Stores only a salted scrypt hash (cluster_model.auth.hash_password) under
[atlas_auth.users.<username>]. The password is never printed or logged, and
neither is the hash. The secrets file is created with mode 600 and must not be
committed (it is in .gitignore).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster_model.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_PATTERN, hash_password

DEFAULT_SECRETS = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"


def _remove_section(text: str, header: str) -> str:
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = stripped == header
        if not skipping:
            out.append(line)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("username", help="lower-case login name, e.g. alice")
    parser.add_argument("--name", default="", help="full name shown with every change the user makes")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
    parser.add_argument(
        "--replace", action="store_true", help="replace the user if it exists (e.g. a new password)"
    )
    parser.add_argument(
        "--reviewer", action="store_true", help="the user may publish rounds in review or send them back"
    )
    parser.add_argument(
        "--admin", action="store_true", help="the user may lift sign-in locks (on the Data page)"
    )
    parser.add_argument(
        "--secrets", type=Path, default=DEFAULT_SECRETS, help=f"secrets file (default {DEFAULT_SECRETS})"
    )
    args = parser.parse_args(argv)

    username = args.username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        print(
            "error: the username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'",
            file=sys.stderr,
        )
        return 2

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Repeat the password: ") != password:
            print("error: the passwords differ; nothing was changed", file=sys.stderr)
            return 2
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        print(
            f"error: the password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters; nothing was changed",
            file=sys.stderr,
        )
        return 2

    path: Path = args.secrets
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        current = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        print(
            f"error: {path} is not valid TOML ({exc.args[0].split('(')[0].strip()}); fix it first",
            file=sys.stderr,
        )
        return 1
    header = f"[atlas_auth.users.{username}]"
    existing = current.get("atlas_auth", {}).get("users", {}).get(username)
    if existing is not None:
        if not args.replace:
            print(
                f"error: user '{username}' already exists; use --replace to set a new password",
                file=sys.stderr,
            )
            return 1
        text = _remove_section(text, header).rstrip("\n") + "\n"
        args.name = args.name or str(existing.get("name", ""))
        args.admin = args.admin or bool(existing.get("admin", False))
        args.reviewer = args.reviewer or "reviewer" in (existing.get("roles") or [])
    if text and not text.endswith("\n"):
        text += "\n"
    text += (
        f"\n{header}\nname = {json.dumps(args.name or username)}\npassword_hash = {json.dumps(hash_password(password))}\n"
        + ("admin = true\n" if args.admin else "")
        + ('roles = ["reviewer"]\n' if args.reviewer else "")
    )
    tomllib.loads(text)  # never write a file Streamlit cannot read

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(
        f"{'Replaced' if args.replace else 'Added'} user '{username}' in {path}. Restart the app (or save the file) for Streamlit to read it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
