"""Reading rendered output back: which elements a page has, and its text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt


@dataclass
class Page:
    """The elements (tag, attributes) of a page and its text, entities decoded."""

    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""

    def tags(self) -> set[str]:
        """The distinct element names."""
        return {tag for tag, _ in self.elements}

    def event_handlers(self) -> list[str]:
        """Attributes that would run script (`on...`), or `javascript:` URLs."""
        found = []
        for tag, attributes in self.elements:
            for name, value in attributes.items():
                if name.startswith("on") or (value or "").strip().lower().startswith("javascript"):
                    found.append(f"{tag} {name}={value}")
        return found


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = "".join(self._text)


def read_page(html: str) -> Page:
    """Parse HTML into its elements and text."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.page


def markdown_as_html(markdown: str) -> str:
    """Markdown as the most lenient viewer renders it: CommonMark with tables and raw HTML
    passed through (so any HTML the report let slip would show up as elements)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "h5",
    "h6", "p", "section", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "code", "dl",
    "dt", "dd", "br", "ol", "ul", "li", "figure", "figcaption", "svg", "line", "text", "g",
    "rect", "details", "summary", "div", "strong", "em", "blockquote", "pre", "hr",
}  # fmt: skip
"""Every element the report's own templates and the rule guide's markdown can produce."""
