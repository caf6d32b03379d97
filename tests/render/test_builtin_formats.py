import importlib.util

import pytest

from epireport._builtins.formats import epireport_register_formats
from epireport.document import Document
from epireport.render._options import RenderOptions


def test_builtin_formats_are_registered() -> None:
    """The built-in plugin registers text, markdown, html, json and docx, names unique."""
    formats = epireport_register_formats()
    assert [f.code for f in formats] == ["text", "markdown", "html", "json", "docx"]
    assert [f.binary for f in formats] == [False, False, False, False, True]


@pytest.mark.parametrize("name", ["text", "markdown", "html", "json"])
def test_text_formats_render(name: str, property_document: Document) -> None:
    """Each text format draws a document through its registered render function."""
    fmt = next(f for f in epireport_register_formats() if f.code == name)
    out = fmt.render(property_document, RenderOptions())
    assert isinstance(out, str)
    assert "员工安全" in out


def test_docx_renders_bytes(property_document: Document) -> None:
    """The DOCX wrapper imports its renderer on first use and returns bytes (a ZIP file)."""
    if importlib.util.find_spec("epireport.render._docx") is None:
        pytest.skip("epireport.render._docx is not written yet")
    pytest.importorskip("docx", reason="python-docx is an optional extra")
    fmt = next(f for f in epireport_register_formats() if f.code == "docx")
    out = fmt.render(property_document, RenderOptions())
    assert isinstance(out, bytes)
    assert out.startswith(b"PK")
