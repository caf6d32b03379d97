"""Renderers: draw a document tree as text, Markdown, HTML, DOCX or JSON."""
