"""Tests for the ingest stage: chrome removal, metadata, encodings, paths and errors."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from mapdash.geoparse.ingest import IngestError, clean_text, document_id, iter_release_paths, read_release

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "seeds" / "000_4dfe93347b0ca329.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
PAGE = FIXTURES / "saved_page.html"

BODY = (
    "Army engineers working with local contractors reopened a damaged bridge on the road between Kirkuk and "
    "Tikrit on Tuesday, officials said, restoring a supply route that had been closed for three months.\n\n"
    "Crews are now surveying two smaller bridges to the south, and they expect to finish repairs there before "
    "the summer heat sets in, the colonel said."
)


def seed_article_paragraphs() -> list[str]:
    """Return the seed's article paragraphs as saved: after the archive notice, before the Twitter credit."""
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n")]
    first = next(i for i, b in enumerate(blocks) if b.startswith("You have accessed")) + 1
    last = next(i for i, b in enumerate(blocks) if b.startswith("(Follow"))
    return blocks[first:last]


@pytest.fixture(scope="module")
def seed():
    return read_release(SEED)


@pytest.fixture(scope="module")
def page():
    return read_release(PAGE)


@pytest.mark.parametrize(
    "chrome",
    [
        "An official website of the United States Government",
        "Here's how you know",
        "Official websites use .gov",
        "A lock ( lock ) or https://",
        "Secure .gov websites use HTTPS",
        "You have accessed part of a historical collection on defense.gov",
        "Follow Jim Garamone on Twitter",
        "@GaramoneDoDNews",
        "Related Stories",
        "Counter-ISIL Campaign Continues, President Says",  # the headline is the title, not body text
    ],
)
def test_seed_chrome_removed(seed, chrome):
    assert chrome not in seed.text


def test_seed_body_whole_and_in_order(seed):
    expected = seed_article_paragraphs()
    assert len(expected) == 15
    assert seed.text.split("\n\n") == expected


@pytest.mark.parametrize(
    "kept",
    [
        "Coalition Increases Strength",
        "Taking Ground from ISIL",
        "He noted that the United States will continue to work with Libya to establish a functioning government there.",
        "“If implemented -- and that’s a significant ‘if’ --",  # typographic quotes kept as saved
    ],
)
def test_seed_keeps(seed, kept):
    assert kept in seed.text


@pytest.mark.parametrize(
    "field, expected",
    [
        ("title", "Counter-ISIL Campaign Continues, President Says"),
        ("byline", "Jim Garamone"),
        ("published", date(2016, 2, 26)),  # from the sidecar: the text does not state its date
        ("source", str(SEED)),
    ],
)
def test_seed_metadata(seed, field, expected):
    assert getattr(seed, field) == expected


def test_seed_text_shape(seed):
    assert seed.text.startswith("Even if there is a cessation of hostilities")
    assert seed.text.endswith("establish a functioning government there.")
    assert seed.doc_id == document_id(seed.text)
    assert "\n\n\n" not in seed.text and not re.search(r"[ \t\u00a0]{2,}| \n|\n ", seed.text)


@pytest.mark.parametrize(
    "chrome",
    [
        "We use cookies",
        "Accept all cookies",
        "About Us",
        "Photos",
        "Related Stories",
        "Training Mission Expands",
        "All rights reserved",
        "Privacy Policy",
        "Share this",
        "By Dana Whitfield",
        "Example Defense News",
    ],
)
def test_html_chrome_removed(page, chrome):
    assert chrome not in page.text


@pytest.mark.parametrize(
    "field, expected",
    [
        ("title", "Engineers Reopen Bridge Near Kirkuk"),
        ("byline", "Dana Whitfield"),
        ("published", date(2017, 3, 14)),
    ],
)
def test_html_metadata(page, field, expected):
    assert getattr(page, field) == expected


def test_html_body(page):
    paragraphs = page.text.split("\n\n")
    assert paragraphs[0] == BODY.split("\n\n")[0]
    assert "Work Continues" in paragraphs
    assert BODY.split("\n\n")[1] in paragraphs
    assert paragraphs[-1].endswith("according to a statement released by the command.")


@pytest.mark.parametrize(
    "raw, field, expected",
    [
        (
            "Bridge Reopens Near Kirkuk\n\nBy Dana Whitfield, Example News\n\nFeb. 26, 2016\n\n" + BODY,
            "byline",
            "Dana Whitfield",
        ),
        (
            "Bridge Reopens Near Kirkuk\n\nBy Dana Whitfield, Example News\n\nFeb. 26, 2016\n\n" + BODY,
            "published",
            date(2016, 2, 26),
        ),
        (
            "Bridge Reopens Near Kirkuk\n\nBy Dana Whitfield, Example News\n\nFeb. 26, 2016\n\n" + BODY,
            "title",
            "Bridge Reopens Near Kirkuk",
        ),
        ("Bridge Reopens Near Kirkuk\n\nBy Dana Whitfield, Example News\n\nFeb. 26, 2016\n\n" + BODY, "text", BODY),
        ("WASHINGTON, 3 March 2017 -- " + BODY, "published", date(2017, 3, 3)),
        (BODY + "\n\n(Follow Dana Whitfield on Twitter: @dw)\n\nShare this", "byline", "Dana Whitfield"),
        (BODY + "\n\n(Follow Dana Whitfield on Twitter: @dw)\n\nShare this", "text", BODY),
        (BODY, "published", None),
        (BODY.replace("\n\n", "\n"), "text", BODY),  # one paragraph a line when there are no blank lines
        (BODY.replace("between Kirkuk", "between\n  Kirkuk"), "text", BODY),  # wrapped lines joined
        (
            "Ferry Service Notice\n\nThe ferry resumes on Monday.",
            "text",
            "The ferry resumes on Monday.",
        ),  # too short to classify
        ("Ferry Service Notice\n\nThe ferry resumes on Monday.", "title", "Ferry Service Notice"),
        (
            BODY + "\n\nRepairs will continue this week.\n\nRelated Stories\n\nSupply Convoys Resume",
            "text",
            BODY + "\n\nRepairs will continue this week.",
        ),
    ],
)
def test_clean_text_fields(raw, field, expected):
    assert getattr(clean_text(raw, is_html=False), field) == expected


def test_by_sentence_is_not_a_byline():
    raw = "By Tuesday, forces had retaken the town.\n\n" + BODY
    cleaned = clean_text(raw, is_html=False)
    assert cleaned.byline is None
    assert cleaned.text.startswith("By Tuesday, forces had retaken the town.")


@pytest.mark.parametrize(
    "raw, is_html",
    [
        ("", False),
        ("   \n\n ", False),
        ("Related Stories\n\nShare this", False),
        ("<html><body><nav><a href='/'>Home</a></nav></body></html>", True),
        ("\x89PNG garbage <<<", True),
    ],
)
def test_clean_text_no_article(raw, is_html):
    with pytest.raises(IngestError, match="no article text found"):
        clean_text(raw, is_html=is_html)


@pytest.mark.parametrize(
    "a, b",
    [
        (BODY, BODY.replace("\n", "\r\n")),
        (BODY, BODY.replace("\n", "\r")),
        (BODY, BODY.replace("\n\n", "  \n\n") + "\n"),
        ("Caf\u00e9 in Mosul", "Cafe\u0301 in Mosul"),  # composed and decomposed accents
    ],
)
def test_document_id_ignores_saving_differences(a, b):
    assert document_id(a) == document_id(b)
    assert re.fullmatch(r"[0-9a-f]{64}", document_id(a))


def test_document_id_differs_for_different_text():
    assert document_id(BODY) != document_id(BODY + " More.")


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_crlf_and_lf_files_give_same_document(tmp_path, newline):
    data = SEED.read_bytes().replace(b"\n", newline)
    (tmp_path / "seed.txt").write_bytes(data)
    assert read_release(tmp_path / "seed.txt").doc_id == read_release(SEED).doc_id


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            "\u201cWe remain relentless,\u201d he said \u2013 in Mosul. ".encode("cp1252") * 5,
            "“We remain relentless,” he said – in Mosul.",
        ),
        (
            "\ufeff\u201cCaf\u00e9 in Mosul is open again today,\u201d the colonel said. ".encode("utf-8") * 5,
            "“Café in Mosul",
        ),
        (
            "\u201cCaf\u00e9 in Mosul is open again today,\u201d the colonel said. ".encode("utf-16") * 1,
            "“Café in Mosul",
        ),
    ],
)
def test_decodes(tmp_path, data, expected):
    (tmp_path / "release.txt").write_bytes(data)
    assert read_release(tmp_path / "release.txt").text.startswith(expected)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty.txt: empty file"),
        ("blank.txt", b"\n  \r\n", "blank.txt: empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt: binary file"),
        ("bad.txt", b"caf\x81 \x8d\x90", "bad.txt: neither UTF-8 nor cp1252"),
        ("chrome.txt", b"Related Stories\n\nShare this\n", "chrome.txt: no article text found"),
        ("photo.png", b"\x89PNG", "photo.png: not a release file"),
    ],
)
def test_read_release_errors(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_release(tmp_path / name)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "sidecar, field, expected",
    [
        ('{"date": "2016-02-26"}', "published", date(2016, 2, 26)),
        ('{"title": "Own title", "byline": "Press Desk", "source": "https://example.org/a"}', "title", "Own title"),
        ('{"title": "Own title", "byline": "Press Desk", "source": "https://example.org/a"}', "byline", "Press Desk"),
        (
            '{"title": "Own title", "byline": "Press Desk", "source": "https://example.org/a"}',
            "source",
            "https://example.org/a",
        ),
        ('{"date": "2020-01-02"}', "published", date(2020, 1, 2)),  # overrides the page's own date
    ],
)
def test_sidecar_overrides(tmp_path, sidecar, field, expected):
    shutil.copy(PAGE, tmp_path / "page.html")
    (tmp_path / "page.json").write_text(sidecar, encoding="utf-8")
    assert getattr(read_release(tmp_path / "page.html"), field) == expected


@pytest.mark.parametrize(
    "sidecar, message",
    [
        ("{not json", "not valid JSON"),
        ('{"published": "2016-02-26"}', "expected a JSON object"),
        ('{"date": "26/02/2016"}', "is not YYYY-MM-DD"),
        ('["2016-02-26"]', "expected a JSON object"),
    ],
)
def test_bad_sidecar(tmp_path, sidecar, message):
    (tmp_path / "r.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "r.json").write_text(sidecar, encoding="utf-8")
    with pytest.raises(IngestError, match=re.escape(f"{tmp_path / 'r.json'}: ") + ".*" + message):
        read_release(tmp_path / "r.txt")


@pytest.mark.parametrize(
    "default, expected",
    [(None, None), (date(2021, 5, 1), date(2021, 5, 1))],
)
def test_default_date_when_nothing_else(tmp_path, default, expected):
    (tmp_path / "r.txt").write_text(BODY, encoding="utf-8")
    assert read_release(tmp_path / "r.txt", default_date=default).published == expected


def test_default_date_does_not_override_page_date():
    assert read_release(PAGE, default_date=date(2000, 1, 1)).published == date(2017, 3, 14)


@pytest.fixture
def folder(tmp_path):
    """A folder of releases as a user might have it: nested, with sidecars, hidden files and strays."""
    (tmp_path / "b").mkdir()
    shutil.copy(SEED, tmp_path / "b" / "seed.txt")
    (tmp_path / "b" / "seed.json").write_text('{"date": "2016-02-26"}', encoding="utf-8")
    shutil.copy(PAGE, tmp_path / "a_page.HTM")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    return tmp_path


def test_iter_release_paths_expands_folders(folder):
    found = list(iter_release_paths([folder]))
    assert found == [folder / "a_page.HTM", folder / "b" / "seed.txt", folder / "empty.txt"]


def test_iter_release_paths_keeps_order_and_drops_repeats(folder):
    found = list(iter_release_paths([folder / "empty.txt", folder]))
    assert found[0] == folder / "empty.txt" and len(found) == 3


def test_folder_releases_read_or_fail_clearly(folder):
    results = {}
    for path in iter_release_paths([folder]):
        try:
            results[path.name] = read_release(path).title
        except IngestError as exc:
            results[path.name] = str(exc)
    assert results == {
        "a_page.HTM": "Engineers Reopen Bridge Near Kirkuk",
        "seed.txt": "Counter-ISIL Campaign Continues, President Says",
        "empty.txt": f"{folder / 'empty.txt'}: empty file",
    }


@pytest.mark.parametrize(
    "stray, message",
    [
        ("photo.png", "photo.png: not a release file (expected .txt, .html or .htm)"),
        ("notes.json", "notes.json: not a release file"),
    ],
)
def test_other_files_are_rejected_one_by_one(folder, stray, message):
    (folder / "b" / stray).write_bytes(b"\x89PNG\r\n")
    # A stray file no longer stops the batch: it is listed, and reading it says why it is no release.
    found = list(iter_release_paths([folder]))
    assert found == [folder / "a_page.HTM", folder / "b" / stray, folder / "b" / "seed.txt", folder / "empty.txt"]
    assert list(iter_release_paths([folder / "b" / stray])) == [folder / "b" / stray]
    with pytest.raises(IngestError, match=re.escape(message)):
        read_release(folder / "b" / stray)


def test_iter_release_paths_missing(tmp_path):
    with pytest.raises(IngestError, match="no such file or folder"):
        list(iter_release_paths([tmp_path / "nope"]))


# --- titles and dates of real-release layouts (made-up releases): the headline, and the dateline's date

LEAD = (
    "Coalition aircraft conducted nine strikes against terrorist targets near the river crossing yesterday, "
    "task force officials reported today, and engineers began repairs on the damaged road."
)
MORE = (
    "Officials reported details of the latest strikes, noting that assessments of results are based on "
    "initial reports from the crews."
)
LAYOUTS = [
    # the headline, then a credit line on the next line of the same block
    (
        "Strikes Continue Near the River Crossing\nFrom a Combined Joint Task Force Operation Inherent Resolve News "
        "Release\n\n"
        f"SOUTHWEST ASIA, Dec. 20, 2016 — {LEAD}\n\n{MORE}",
        "Strikes Continue Near the River Crossing",
        date(2016, 12, 20),
    ),
    # a byline, a date line and a release number between the headline and the body
    (
        "Airstrikes Hit Checkpoints Near the Dam\n\nBy U.S. Central Command News Release\n\nAugust 19, 2014\n\n"
        f"Release #20140823\n\nTAMPA, Fla., Aug. 19, 2014 - {LEAD}\n\n{MORE}",
        "Airstrikes Hit Checkpoints Near the Dam",
        date(2014, 8, 19),
    ),
    (
        "Dec. 28: Forces Seize the Government Center\n\nDecember 28, 2015\nRelease # 20151228-04\n\n"
        f"BAGHDAD, Iraq {LEAD}\n\n{MORE}",
        "Dec. 28: Forces Seize the Government Center",
        date(2015, 12, 28),
    ),
    (
        "Operations Continue Near the Crossing\n\nSouthwest Asia — August 21, 2016\nRelease #20160821-02\n\n"
        f"SOUTHWEST ASIA – {LEAD}\n\n{MORE}",
        "Operations Continue Near the Crossing",
        date(2016, 8, 21),
    ),
    # a date in brackets after the place; a dateline alone on its line in a text without blank lines inside
    (
        f"Secretary Hails Progress\n\nWASHINGTON (February 11, 2016) — {LEAD}\n\n{MORE}",
        "Secretary Hails Progress",
        date(2016, 2, 11),
    ),
    (f"Spokesman: Forces Gain Ground\n\nWASHINGTON –\n{LEAD}\n{MORE}", "Spokesman: Forces Gain Ground", None),
    # a notice, a release number without its dot, a date beside a byline
    (
        "Coalition Trains New Brigades\n\nFOR IMMEDIATE RELEASE\n\nRelease No: NR-123-16\n\nDec. 28, 2015 | By Jane "
        "Roe\n\n"
        f"{LEAD}\n\n{MORE}",
        "Coalition Trains New Brigades",
        date(2015, 12, 28),
    ),
    # a byline with its agency on the next line is not the headline
    (
        f"Forces Concentrate Around the Town, Official Says\n\nBy Jane Roe\nDoD News, Defense Media Activity\n\n"
        f"WASHINGTON, Oct. 15, 2014 – {LEAD}\n\n{MORE}",
        "Forces Concentrate Around the Town, Official Says",
        date(2014, 10, 15),
    ),
]


@pytest.mark.parametrize(("raw", "title", "published"), LAYOUTS, ids=[r[1][:30] for r in LAYOUTS])
def test_release_layouts_title_and_date(raw, title, published):
    cleaned = clean_text(raw, is_html=False)
    assert (cleaned.title, cleaned.published) == (title, published)
    assert cleaned.text.split("\n\n")[-1] == MORE  # the body is whole
    assert LEAD[:40] in cleaned.text and title not in cleaned.text


def test_subheadings_and_last_paragraphs_stay_in_the_body():
    tail = "“This is a well-coordinated offensive against the last pockets,” said Army Lt. Gen. John Doe."
    raw = (
        f"Phase Two Begins\n\n{LEAD}\n\nStrikes in Syria\n\n"
        f"Aircraft conducted 11 strikes in Syria:\n\n{MORE}\n\nPowerful Offensive\n\n{tail}"
    )
    paragraphs = clean_text(raw, is_html=False).text.split("\n\n")
    assert paragraphs[-1] == tail and "Aircraft conducted 11 strikes in Syria:" in paragraphs


def test_lines_as_long_as_paragraphs_are_paragraphs():
    raw = f"Leaders Discuss Next Steps\n\n{LEAD}\n{MORE}\nNext Steps in the Operation\n{LEAD.replace('nine', 'ten')}"
    paragraphs = clean_text(raw, is_html=False).text.split("\n\n")
    assert paragraphs[:2] == [LEAD, MORE] and "Next Steps in the Operation" in paragraphs


def _page(title_tag: str, h1: str = "") -> str:
    """Return a saved release page (trafilatura path) with the given <title> and optional <h1>."""
    return (
        f"<html><head><title>{title_tag}</title></head><body><nav><a href='/'>Home</a></nav><article>{h1}"
        "<p>From a Combined Joint Task Force Operation Inherent Resolve News Release</p>"
        f"<p>SOUTHWEST ASIA, Aug. 21, 2017 — {LEAD}</p><p>{MORE}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("title_tag", "h1"),
    [
        ("Strikes Continue Near the Crossing &gt; U.S. Department of Defense &gt; Defense Department News", ""),
        ("Strikes Continue Near the Crossing | CENTCOM", ""),
        ("Defense News", "<h1>Strikes Continue Near the Crossing</h1>"),
    ],
)
def test_html_release_title_and_date(tmp_path, title_tag, h1):
    path = tmp_path / "release.html"
    path.write_text(_page(title_tag, h1), encoding="utf-8")
    doc = read_release(path)
    assert (doc.title, doc.published) == ("Strikes Continue Near the Crossing", date(2017, 8, 21))
    assert doc.text.startswith("SOUTHWEST ASIA, Aug. 21, 2017 — Coalition aircraft") and "News Release" not in doc.text
