"""make check-structure finds import circles and private reads across modules, with file and line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support import ROOT

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from check_structure import main


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def _run(package: Path, capsys: pytest.CaptureFixture[str]) -> subprocess.CompletedProcess[str]:
    """``python scripts/check_structure.py PACKAGE``, run in this process."""
    returncode = main([str(package)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess([], returncode, out, err)


def test_the_package_has_no_import_circle_and_no_private_read_across_modules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = _run(ROOT / "palomma_client", capsys)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no import circles, no private reads across modules" in result.stdout


def test_a_circle_and_a_private_read_fail_with_each_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "shop"
    _write(package / "__init__.py", "")
    _write(
        package / "_orders.py",
        """\
        from shop._stock import Stock


        class Orders:
            def __init__(self, stock: Stock) -> None:
                self._stock = stock

            def count(self) -> int:
                return self._stock._count
        """,
    )
    _write(
        package / "_stock.py",
        """\
        from __future__ import annotations


        class Stock:
            def __init__(self) -> None:
                self._count = 0

            def orders(self) -> object:
                from shop._orders import Orders

                return Orders(self)
        """,
    )

    result = _run(package, capsys)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "import circle: shop._orders -> shop._stock -> shop._orders",
        "  shop/_orders.py:1: shop._orders imports shop._stock",
        "  shop/_stock.py:9: shop._stock imports shop._orders",
        "shop/_orders.py:9: private read: reads attribute _count, which this module does not define",
    ]
    assert "1 import circle(s), 1 private read(s) across modules" in result.stderr


def test_imports_under_type_checking_count_and_generated_code_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "shop"
    _write(package / "__init__.py", "")
    _write(
        package / "_a.py",
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from shop import _b
        from shop._generated import made
        """,
    )
    _write(package / "_b.py", "from . import _a\n")
    _write(package / "_c.py", "import shop._generated.made\n")
    _write(package / "_generated" / "__init__.py", "")
    _write(package / "_generated" / "made.py", "from shop._c import thing\n")

    result = _run(package, capsys)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "import circle: shop._a -> shop._b -> shop._a",
        "  shop/_a.py:4: shop._a imports shop._b",
        "  shop/_b.py:1: shop._b imports shop._a",
    ]


def test_a_longer_circle_is_shown_whole_in_import_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "shop"
    _write(package / "__init__.py", "")
    _write(package / "_a.py", "import shop._b\n")
    _write(package / "_b.py", "from shop import _c\n")
    _write(package / "_c.py", "def later() -> None:\n    from shop._a import x\n")

    result = _run(package, capsys)

    assert result.stdout.splitlines()[0] == "import circle: shop._a -> shop._b -> shop._c -> shop._a"
    assert result.returncode == 1


def test_importing_another_modules_private_name_is_a_private_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "shop"
    _write(package / "__init__.py", "")
    _write(package / "_prices.py", "def _rounded(value: float) -> int:\n    return round(value)\n")
    _write(package / "_cart.py", "from shop._prices import _rounded\n")

    result = _run(package, capsys)

    assert result.returncode == 1
    assert result.stdout.splitlines() == ["shop/_cart.py:1: private read: imports _rounded from shop._prices"]


def test_what_is_not_a_private_read_across_modules_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "shop"
    _write(package / "__init__.py", "from shop import _prices\nimport shop._cart\n\nshop._cart.Cart.__name__\n")
    _write(
        package / "_prices.py",
        """\
        import zlib
        from urllib.parse import urlsplit

        from opentelemetry import trace


        class Price:
            __slots__ = ("_cents",)

            def __init__(self, cents: int) -> None:
                self._cents = cents

            def __eq__(self, other: object) -> bool:
                # Another instance of this module's own class.
                return isinstance(other, Price) and other._cents == self._cents


        def netloc(url: str) -> str:
            # A named tuple's documented method.
            return urlsplit(url)._replace(fragment="").netloc


        def decompressor(level: int) -> zlib._Decompress:
            # Read by type checkers only: the library names the type nowhere else.
            return zlib.decompressobj(level)


        def provider() -> object:
            return trace._TRACER_PROVIDER  # noqa: SLF001  # marked deliberate, with its reason
        """,
    )
    _write(
        package / "_cart.py",
        """\
        from shop._prices import Price


        class Cart(Price):
            def total(self) -> int:
                # Inherited: subclassing makes the base's private names the subclass's own.
                return self._cents
        """,
    )

    result = _run(package, capsys)

    assert result.returncode == 0, result.stdout
    assert result.stdout == "shop: no import circles, no private reads across modules\n"
