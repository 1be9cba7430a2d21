"""Mend the one Prism defect a valid spec of ours can hit, in the copy `npm ci` installed.

Prism 5 (every release up to 5.16.0) reads a header parameter in the `simple` style by splitting its
value, without first asking whether the request sent it. An optional array or object header the
request leaves out is `undefined` there, and the whole mock server dies with a `TypeError`, failing
every contract test after it. The mend returns "not sent" for a header that was not sent, which is
what Prism does for every other style.

Run by `make` right after `npm ci`; idempotent. When Prism's file no longer holds the text this
mends (a new Prism, fixed or rewritten), it stops with a message instead of running a Prism that
may still crash: drop the mend, or rewrite it, when updating Prism.

Usage: python3 scripts/patch_prism.py [node_modules]
"""

from __future__ import annotations

import sys
from pathlib import Path

DESERIALIZER = Path("@stoplight/prism-http/dist/validator/deserializers/style/simple.js")
UNGUARDED = """    const value = parameters[name];
    if (type === 'array') {"""
GUARDED = """    const value = parameters[name];
    if (value === undefined) {
        return undefined;
    }
    if (type === 'array') {"""


def mend(node_modules: Path) -> str:
    """Guard Prism's simple-style deserializer against a header the request did not send.

    Returns:
        What was done, for the log.

    Raises:
        SystemExit: Prism's file is missing or no longer holds the text this mends.
    """
    source = node_modules / DESERIALIZER
    if not source.is_file():
        raise SystemExit(f"{source} is missing: is Prism installed (`npm ci`)?")
    text = source.read_text(encoding="utf-8")
    if GUARDED in text:
        return f"{source}: already mended"
    if text.count(UNGUARDED) != 1:
        raise SystemExit(
            f"{source} no longer reads a header the way scripts/patch_prism.py mends: "
            "check whether this Prism still crashes on an optional array header left out, "
            "then update or drop the mend"
        )
    source.write_text(text.replace(UNGUARDED, GUARDED), encoding="utf-8")
    return f"{source}: a header left out is no longer split"


if __name__ == "__main__":
    print(mend(Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules")))
