"""scripts/release.py: what `make release` refuses before it builds anything."""

from __future__ import annotations

import contextlib
import http.server
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.support import ROOT, serving_http

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from release import ReleaseRefused, check, index_urls

VERSION = "3.4.5"


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *arguments],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A committed tree with the package's version file."""
    folder = tmp_path / "project"
    (folder / "palomma_client" / "_generated").mkdir(parents=True)
    (folder / "palomma_client" / "_generated" / "version.py").write_text(f'__version__ = "{VERSION}"\n')
    _git(folder, "init", "--quiet")
    _git(folder, "add", "-A")
    _git(folder, "commit", "--quiet", "-m", "release")
    return folder


class _Index(http.server.BaseHTTPRequestHandler):
    """A PEP 503 simple page for palomma-client listing ``files``; records what was asked."""

    files: ClassVar[tuple[str, ...]] = ()
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path != "/simple/palomma-client/" or not self.files:
            self.send_error(404)
            return
        links = "".join(f'<a href="/packages/{name}#sha256=00">{name}</a>' for name in self.files)
        body = f"<html><body>{links}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output to what failed."""


@contextlib.contextmanager
def _index(*files: str, seen: list[tuple[str, str | None]] | None = None) -> Iterator[str]:
    """A simple index listing ``files`` for palomma-client; yields its upload URL."""
    with serving_http(type("Index", (_Index,), {"files": files, "seen": [] if seen is None else seen})) as url:
        yield f"{url}/"


def _environment(url: str, **more: str) -> dict[str, str]:
    return {"TWINE_REPOSITORY_URL": url, "TWINE_USERNAME": "ci", "TWINE_PASSWORD": "s3cret", **more}


def test_a_clean_tree_and_a_new_version_pass_and_the_index_is_asked_with_the_credentials(project: Path) -> None:
    seen: list[tuple[str, str | None]] = []
    with _index("palomma_client-3.4.4-py3-none-any.whl", "palomma_client-3.4.50.tar.gz", seen=seen) as url:
        assert check(project, _environment(url, TAG=f"v{VERSION}")) == VERSION

    # Basic auth of ci:s3cret
    assert seen == [("/simple/palomma-client/", "Basic Y2k6czNjcmV0")]


def test_a_version_the_index_has_is_refused(project: Path) -> None:
    files = (f"palomma_client-{VERSION}-py3-none-any.whl", f"palomma_client-{VERSION}.tar.gz")
    with _index(*files) as url, pytest.raises(ReleaseRefused, match=f"already has palomma-client {VERSION}"):
        check(project, _environment(url))


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_a_dirty_tree_is_refused(project: Path, change: str) -> None:
    if change == "modified":
        (project / "palomma_client" / "_generated" / "version.py").write_text('__version__ = "9.9.9"\n')
    else:
        (project / "notes.txt").write_text("not committed\n")

    with _index() as url, pytest.raises(ReleaseRefused, match="not committed"):
        check(project, _environment(url))


def test_a_tag_that_is_not_the_version_is_refused(project: Path) -> None:
    with _index() as url, pytest.raises(ReleaseRefused, match=f"the tag v9.9.9 is not v{VERSION}"):
        check(project, _environment(url, TAG="v9.9.9"))


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "set TWINE_REPOSITORY_URL"),
        ({"TWINE_REPOSITORY_URL": "https://upload.pypi.org/legacy/"}, "private index only"),
    ],
)
def test_no_index_or_the_public_one_is_refused(environment: dict[str, str], message: str) -> None:
    with pytest.raises(ReleaseRefused, match=message):
        index_urls(environment)


def test_the_simple_index_defaults_beside_the_upload_url_and_index_url_overrides_it() -> None:
    assert index_urls({"TWINE_REPOSITORY_URL": "https://pypi.example.internal/"}) == (
        "https://pypi.example.internal/",
        "https://pypi.example.internal/simple/",
    )
    devpi = {
        "TWINE_REPOSITORY_URL": "https://devpi.example/ci/prod/",
        "INDEX_URL": "https://devpi.example/ci/prod/+simple/",
    }
    assert index_urls(devpi)[1] == "https://devpi.example/ci/prod/+simple/"


def test_an_unreachable_index_is_refused_with_the_address(project: Path) -> None:
    with _index() as url:
        pass  # the server is gone: its port refuses connections
    with pytest.raises(ReleaseRefused, match="cannot reach the index"):
        check(project, _environment(url))
