"""Attacker-controlled strings are text in the HTML and markdown reports, never markup."""

from __future__ import annotations

from trailsweep.report import CONTENT_SECURITY_POLICY, ReportAlert, render_html, render_markdown
from trailsweep.report.markdown_text import escape_markdown
from trailsweep.report.note import note_html, note_markdown

from .conftest import (
    HOSTILE_BUCKET,
    HOSTILE_UA,
    hostile_context,
    hostile_document,
    seed_rule_alert,
)
from .markup import REPORT_TAGS, markdown_as_html, read_page


def _both_kinds() -> list[ReportAlert]:
    return [
        seed_rule_alert(hostile_document()),
        seed_rule_alert(hostile_document(**hostile_context())),
    ]


def test_html_shows_hostile_strings_as_text_only() -> None:
    page = read_page(render_html(_both_kinds()))
    assert page.tags() <= REPORT_TAGS, page.tags() - REPORT_TAGS
    assert not page.event_handlers()
    for hostile in (
        HOSTILE_UA,
        f"arn:aws:s3:::{HOSTILE_BUCKET}1",
        "arn:aws:iam::111122223333:user/<svg onload=alert(1)>",
        "<i>GetBucketPolicy</i>",
        "AKIA<u>KEY</u>",
        "Evil & <Co>",
        "id-<1>",
        "trail/<x>.json record 0",
        "<script>x</script>",
        "<asn>&",
        "<r> & more",
        "<s>",
    ):
        assert hostile in page.text, hostile


def test_html_attributes_hold_data_verbatim() -> None:
    page = read_page(render_html(_both_kinds()))
    sections = [attrs for tag, attrs in page.elements if attrs.get("class") == "alert"]
    assert [s["data-alert-uuid"] for s in sections] == ['uuid-"><script>alert(1)</script>'] * 2
    assert [s["id"] for s in sections] == ["alert-1", "alert-2"]
    classes = {attrs.get("class") for _, attrs in page.elements}
    assert "badge severity-unknown" in classes  # a severity that is not one is not a class


def test_html_is_self_contained() -> None:
    html = render_html(_both_kinds())
    page = read_page(html)
    (csp,) = [
        attrs["content"]
        for tag, attrs in page.elements
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp == CONTENT_SECURITY_POLICY and "script-src" not in csp
    assert "default-src 'none'" in csp
    # Nothing to fetch: no script, stylesheet, image, font or frame from anywhere.
    assert not page.tags() & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]


def test_missing_context_is_said() -> None:
    html = render_html(_both_kinds())
    assert html.count('class="notice context-missing"') == 1


def test_markdown_escapes_every_markup_character() -> None:
    text = "<b>*x*</b> _y_ `z` [l](javascript:1) | # ! ~~s~~ &amp; \\"
    rendered = read_page(markdown_as_html(f"cell: {escape_markdown(text)}\n"))
    assert rendered.tags() == {"p"}
    assert rendered.text.strip() == f"cell: {text}"


def test_markdown_escape_flattens_newlines() -> None:
    assert escape_markdown("a\n# heading\r\n- item") == "a \\# heading - item"


def test_markdown_report_shows_hostile_strings_as_text_only() -> None:
    markdown = render_markdown(_both_kinds())
    page = read_page(markdown_as_html(markdown))
    assert not page.tags() & {"script", "img", "svg", "b", "i", "u", "iframe"}
    assert not page.event_handlers()
    for hostile in (
        HOSTILE_UA,
        f"arn:aws:s3:::{HOSTILE_BUCKET}1",
        "arn:aws:iam::111122223333:user/<svg onload=alert(1)>",
        "AKIA<u>KEY</u>",
        "id-<1>",
        "<script>x</script>",
        "<r> & more",
    ):
        assert hostile in page.text, hostile


def test_rule_note_html_in_source_is_text() -> None:
    note = "## Guide\n\n<script>alert(1)</script>\n\nSee [x](javascript:alert(1)) and `<b>`.\n"
    html = str(note_html(note))
    page = read_page(html)
    assert page.tags() <= {"h4", "p", "code", "a"}
    assert not page.event_handlers()
    assert "<script>alert(1)</script>" in page.text
    markdown = note_markdown(note)
    assert markdown.startswith("#### Guide")
    rendered = read_page(markdown_as_html(markdown))
    assert "script" not in rendered.tags() and "<script>alert(1)</script>" in rendered.text
    assert "`<b>`" in markdown  # code spans stay as written (markdown shows them as text)


def test_seed_rule_guide_is_rendered() -> None:
    page = read_page(render_html(_both_kinds()))
    assert "Work through these questions" in page.text
    assert "Contain:" in page.text and "Harden:" in page.text
