"""What `make release` checks before it builds and uploads: ``python scripts/release.py check``.

The release goes to the private index named by twine's standard variables:
``TWINE_REPOSITORY_URL`` (where to upload), ``TWINE_USERNAME`` and ``TWINE_PASSWORD``.
``INDEX_URL`` is the same index's simple page, the one ``pip install --index-url`` reads;
by default ``TWINE_REPOSITORY_URL`` followed by ``simple/``, as pypiserver, Nexus and
Gitea lay it out (devpi's is ``.../+simple/``: set it).

It refuses, before anything is built:

- a tree with uncommitted or untracked files: a release is exactly a commit;
- no ``TWINE_REPOSITORY_URL``, or the public PyPI: this package is published privately only;
- with ``TAG`` set (the release workflow sets the pushed tag), a tag that is not ``v<version>``;
- a version the index already has: an index never takes a version twice, so a fix is the next version.

Runs on the standard library alone, in the small venv of `make build`.
"""

from __future__ import annotations

import argparse
import base64
import html.parser
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "palomma_client" / "_generated" / "version.py"
PROJECT = "palomma-client"
PUBLIC_HOSTS = ("pypi.org", "upload.pypi.org", "test.pypi.org", "pypi.python.org")
TIMEOUT = 30.0
_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


class ReleaseRefused(Exception):
    """The release cannot go ahead; the message says why and what to do."""


class _Links(html.parser.HTMLParser):
    """The file names a PEP 503 simple page links to."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.names.append(urllib.parse.unquote(urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1]))


def package_version(root: Path = ROOT) -> str:
    """The version ``make build`` would give the package."""
    found = _VERSION_LINE.search((root / "palomma_client" / "_generated" / "version.py").read_text(encoding="utf-8"))
    if found is None:
        raise ReleaseRefused("palomma_client/_generated/version.py has no __version__ line: run `make generate`")
    return found.group(1)


def check_clean(root: Path = ROOT) -> None:
    """Refuse a tree with changes that are not committed, untracked files included."""
    completed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=normal"], cwd=root, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise ReleaseRefused(f"cannot ask git whether the tree is clean: {completed.stderr.strip()}")
    if completed.stdout.strip():
        raise ReleaseRefused(
            "the tree has changes that are not committed; a release is built from a commit:\n" + completed.stdout
        )


def index_urls(environment: dict[str, str]) -> tuple[str, str]:
    """The upload URL and the simple index URL of the private index.

    Raises:
        ReleaseRefused: No upload URL is set, or it is the public PyPI.
    """
    upload = environment.get("TWINE_REPOSITORY_URL", "").strip()
    if not upload:
        raise ReleaseRefused(
            "set TWINE_REPOSITORY_URL (and TWINE_USERNAME, TWINE_PASSWORD) to the private index's upload URL"
        )
    host = urllib.parse.urlsplit(upload).hostname or ""
    if host in PUBLIC_HOSTS:
        raise ReleaseRefused(f"{PROJECT} is published to the private index only, never to {host}")
    simple = environment.get("INDEX_URL", "").strip() or upload.rstrip("/") + "/simple/"
    return upload, simple


def released_files(simple_url: str, username: str | None, password: str | None) -> list[str]:
    """The file names the index lists for the project (none when it has never seen it)."""
    page = simple_url.rstrip("/") + f"/{PROJECT}/"
    request = urllib.request.Request(page, headers={"Accept": "text/html"})
    if username and password:
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return []
        raise ReleaseRefused(
            f"the index answered HTTP {error.code} for {page}; check INDEX_URL and the credentials"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise ReleaseRefused(f"cannot reach the index at {page}: {getattr(error, 'reason', error)}") from error
    links = _Links()
    links.feed(body)
    return links.names


def check(root: Path, environment: dict[str, str]) -> str:
    """Every check that comes before the build; returns the version to release.

    Raises:
        ReleaseRefused: One of them failed.
    """
    check_clean(root)
    version = package_version(root)
    tag = environment.get("TAG", "").strip()
    if tag and tag != f"v{version}":
        raise ReleaseRefused(f"the tag {tag} is not v{version}, the package's version")
    _, simple = index_urls(environment)
    prefixes = (f"palomma_client-{version}-", f"palomma_client-{version}.", f"palomma-client-{version}.")
    taken = [
        name
        for name in released_files(simple, environment.get("TWINE_USERNAME"), environment.get("TWINE_PASSWORD"))
        if name.lower().startswith(prefixes)
    ]
    if taken:
        raise ReleaseRefused(
            f"the index already has {PROJECT} {version} ({', '.join(taken)}); "
            "release the next version (`make bump PART=patch`)"
        )
    return version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check"])
    parser.parse_args()
    try:
        version = check(ROOT, dict(os.environ))
    except ReleaseRefused as refusal:
        print(f"release refused: {refusal}", file=sys.stderr)
        return 1
    print(f"releasing {PROJECT} {version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
