"""Quote mechanisms of campaign releases, one table per mechanism, on made-up sentences.

Each row: (text, [(kind, first words of the quote, speaker), ...]) in text order; speaker None means no speaker.
"""

from __future__ import annotations

import pytest

from mapdash.geoparse.annotate import find_quotes
from mapdash.geoparse.annotate.attribution import blank_datelines
from mapdash.geoparse.annotate.transcripts import speaker_name, transcript_turns


def _found(text: str) -> list[tuple[str, str, str | None]]:
    """Return (kind, text, speaker) of the quotes, each text cut to the length the row gives."""
    return [(q.kind, q.text, q.speaker) for q in find_quotes(text, [])]


def _check(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = _found(text)
    assert [(k, t[: len(e[1])], s) for (k, t, s), e in zip(found, expected, strict=False)] == expected, found
    assert len(found) == len(expected), found


BODIES = [
    # a body reporting: the organisation with its officials is the speaker
    (
        "Coalition aircraft struck 12 targets near Hajin, Combined Joint Task Force officials said Tuesday.",
        [("reported", "Coalition aircraft struck 12 targets near Hajin", "Combined Joint Task Force officials")],
    ),
    (
        "U.S. Central Command officials said the raid killed two senior leaders.",
        [("reported", "the raid killed two senior leaders", "U.S. Central Command officials")],
    ),
    (
        "Iraqi military leaders announced today Iraqi forces entered the old city.",
        [("reported", "Iraqi forces entered the old city", "Iraqi military leaders")],
    ),
    (
        "The Department of Defense confirmed today that the bridge near Qaim was destroyed.",
        [("reported", "the bridge near Qaim was destroyed", "Department of Defense")],
    ),
    # "officials", "the task force": the body named before
    (
        "Bombers hit a depot, Combined Joint Task Force – Operation Inherent Resolve officials reported today. "
        "Officials said the depot held rockets.",
        [
            ("reported", "Bombers hit a depot", "Combined Joint Task Force – Operation Inherent Resolve officials"),
            ("reported", "the depot held rockets", "Combined Joint Task Force – Operation Inherent Resolve officials"),
        ],
    ),
    (
        "Combined Joint Task Force Operation Inherent Resolve leads the coalition. The task force said the ferry "
        "crossing was hit.",
        [("reported", "the ferry crossing was hit", "Combined Joint Task Force Operation Inherent Resolve")],
    ),
    # "coalition officials" are not another coalition named before
    (
        "The Syrian Arab Coalition advanced. Manbij is surrounded, coalition officials said.",
        [("reported", "Manbij is surrounded", "coalition officials")],
    ),
    # a document speaks for whoever issued it
    (
        "Ministers met in Rome, according to a State Department news release. The talks covered aid to Raqqa, the "
        "release said.",
        [
            ("reported", "Ministers met in Rome", "State Department"),
            ("reported", "The talks covered aid to Raqqa", "State Department"),
        ],
    ),
    (
        "According to a CENTCOM statement, the strikes hit a weapons cache near Hit.",
        [("reported", "the strikes hit a weapons cache near Hit", "CENTCOM")],
    ),
    # a second statement of the same body: "..., noting that X"
    (
        "Officials released the figures, noting that the counts are based on early reports.",
        [("reported", "the counts are based on early reports", "officials")],
    ),
    (
        "CENTCOM said the strike killed two leaders near Hajin.",
        [("reported", "the strike killed two leaders", "CENTCOM")],
    ),
    (
        "The Iraqi government announced on Monday that the city is free.",
        [("reported", "the city is free", "Iraqi government")],
    ),
    ("“The bridge is down,” said a statement from the coalition.", [("direct", "The bridge is down", "coalition")]),
    # phrases between the verb and "that"
    (
        "Army Col. Ryan Miles, the coalition spokesman, told reporters at the Pentagon via teleconference from Baghdad "
        "that the city is surrounded.",
        [("reported", "the city is surrounded", "Ryan Miles")],
    ),
    (
        "Speaking via teleconference from Baghdad to reporters at the Pentagon, Miles said the city is surrounded.",
        [("reported", "the city is surrounded", "Miles")],
    ),
    (
        "Strikes destroyed fighting positions near Raqqa, Operation Inherent Resolve said in a press release.",
        [("reported", "Strikes destroyed fighting positions near Raqqa", "Operation Inherent Resolve")],
    ),
    (
        "“Near Mosul, four strikes hit a tunnel,” the release stated on Thursday.",
        [("direct", "Near Mosul, four strikes", None)],
    ),
    # an institution whose name goes on after its head word
    (
        "Coalition forces conducted 23 strikes on Nov. 5, the Combined Joint Task Force Operation Inherent Resolve "
        "said.",
        [("reported", "Coalition forces conducted 23 strikes", "Combined Joint Task Force Operation Inherent Resolve")],
    ),
    (
        "Coalition forces conducted 23 strikes, Combined Joint Task Force – Operation Inherent Resolve reported.",
        [
            (
                "reported",
                "Coalition forces conducted 23 strikes",
                "Combined Joint Task Force – Operation Inherent Resolve",
            )
        ],
    ),
    # one unnamed official is no speaker; the body is
    ("“The raid worked,” a senior defense official said.", [("direct", "The raid worked", None)]),
]


@pytest.mark.parametrize(("text", "expected"), BODIES, ids=[r[0][:40] for r in BODIES])
def test_body_speakers(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    _check(text, expected)


ANAPHORA = [
    # the attribution in the sentence before the quote paragraph
    (
        "The offensive began at dawn, Army Maj. Gen. John Doe said.\n\n“We are ready for what comes next.”",
        [("reported", "The offensive began at dawn", "John Doe"), ("direct", "We are ready", "John Doe")],
    ),
    # "he said" / "she said" is the last speaker
    (
        "Maj. Gen. Jane Roe briefed reporters in Erbil. The bridge is open again, she said.",
        [("reported", "The bridge is open again", "Jane Roe")],
    ),
    # a quote paragraph without attribution after a sentence introducing a titled person is that person's
    (
        "“We hold the bridge,” Col. Amy Park said.\n\nArmy Maj. Gen. John Doe, the division commander, toured the "
        "city.\n\n"
        "Progress in the City\n\n“The streets are safe again.”",
        [("direct", "We hold the bridge", "Amy Park"), ("direct", "The streets are safe again.", "John Doe")],
    ),
    # ... but a narrative sentence about a place introduces nobody: the last speaker goes on
    (
        "“We hold the bridge,” Col. Amy Park said.\n\nThe city was quiet on Monday.\n\n“The streets are safe again.”",
        [("direct", "We hold the bridge", "Amy Park"), ("direct", "The streets are safe again.", "Amy Park")],
    ),
    # a statement introduced with a colon, over two paragraphs
    (
        "Army Gen. John Smith, commander of U.S. Central Command, issued the following statement today:\n\n"
        "“Today marks a turning point.\n\n“The people of the city are free.”",
        [("direct", "Today marks a turning point.\nThe people", "John Smith")],
    ),
    (
        "On Jan. 3, Lt. Gen. Ann Lee, the coalition commander, made this statement about the operation:\n\n“The "
        "assault has begun.”",
        [("direct", "The assault has begun.", "Ann Lee")],
    ),
    # an unnamed role takes the name of the next person quoted by name
    (
        "Forces are closing on the town, the task force spokesman told reporters today.\n\n"
        "Army Col. Ryan Miles spoke from Baghdad.\n\n“We see momentum,” Miles said.",
        [("reported", "Forces are closing on the town", "Ryan Miles"), ("direct", "We see momentum", "Ryan Miles")],
    ),
    (
        "Forces progress against both capitals, the spokesman for Combined Joint Task Force Operation Inherent Resolve "
        "told "
        "Pentagon reporters today. Army Col. John Doe spoke from Baghdad. “We are close,” Doe said.",
        [("reported", "Forces progress against both capitals", "John Doe"), ("direct", "We are close", "John Doe")],
    ),
    (
        "Strikes rose this week, the Pentagon press secretary said. “They want the town,” he said. "
        "“So they send fighters,” Navy Rear Adm. Tom Beck told reporters.",
        [
            ("reported", "Strikes rose this week", "Tom Beck"),
            ("direct", "They want the town", "Tom Beck"),
            ("direct", "So they send fighters", "Tom Beck"),
        ],
    ),
    # ... unless the rank says otherwise: "the general" is not the colonel quoted next
    (
        "The town is surrounded, the general said.\n\n“We wait,” Army Col. Ryan Miles said.",
        [("reported", "The town is surrounded", None), ("direct", "We wait", "Ryan Miles")],
    ),
    # "the defense secretary": the secretary of defense, not the last secretary named
    (
        "Defense Secretary Ann Cole spoke. The talks went well, according to Deputy Press Secretary Bo Dean. "
        "The defense secretary also reaffirmed that aid will continue.",
        [("reported", "The talks went well", "Bo Dean"), ("reported", "aid will continue", "Ann Cole")],
    ),
    # "the commander": the person an appositive called so
    (
        "Gen. Joe Vance, commander of U.S. Central Command, visited Baghdad. The talks went well, the commander said.",
        [("reported", "The talks went well", "Joe Vance")],
    ),
    # lower-case words before a title
    (
        "The group is on the run, chief Pentagon spokesperson Jane Q. Roe said today at a news briefing.",
        [("reported", "The group is on the run", "Jane Q. Roe")],
    ),
    # a nationality or organisation before the title is not the name
    (
        "“The threat is real,” said United Kingdom Maj. Gen. Rupert Hale, the deputy commander.",
        [("direct", "The threat is real", "Rupert Hale")],
    ),
    # a generational suffix stays with the name, and the surname still links later mentions
    (
        "“Phase two has begun,” said Army Lt. Gen. Paul R. Stone II. “More will follow,” Stone said.",
        [("direct", "Phase two has begun", "Paul R. Stone II"), ("direct", "More will follow", "Paul R. Stone II")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ANAPHORA, ids=[r[0][:40] for r in ANAPHORA])
def test_speakers_named_elsewhere(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    _check(text, expected)


PARTIAL = [
    # a scare quote in narration is nobody's statement, not the last speaker's
    (
        "“We hold the bridge,” Col. Amy Park said.\n\nTroops met “heavy resistance” near the market.",
        [("direct", "We hold the bridge", "Amy Park"), ("direct", "heavy resistance", None)],
    ),
    # a partial quote inside reported speech: the statement around the quoted words, and the quoted words, both the
    # speaker's (spans never overlap)
    (
        "The town saw “fierce fighting” for many weeks, Col. Amy Park said today.",
        [
            ("reported", "The town saw", "Amy Park"),
            ("direct", "fierce fighting", "Amy Park"),
            ("reported", "for many weeks", "Amy Park"),
        ],
    ),
    # after a direct quote's attribution: "..., adding that X"
    (
        "“The city is calm,” Park said, adding that engineers are clearing the roads.",
        [("direct", "The city is calm", "Park"), ("reported", "engineers are clearing the roads", "Park")],
    ),
    # an attribution never crosses into the next paragraph
    (
        "“The fighting was fierce.”\n\nPentagon spokesman Capt. Ed Fry said the city had fallen.",
        [("direct", "The fighting was fierce.", None), ("reported", "the city had fallen", "Ed Fry")],
    ),
    # a quote introduced by a colon after a speech verb is direct, not reported
    ("Obama said on Friday: “We will prevail.”", [("direct", "We will prevail.", "Obama")]),
]


@pytest.mark.parametrize(("text", "expected"), PARTIAL, ids=[r[0][:40] for r in PARTIAL])
def test_partial_and_scare_quotes(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    _check(text, expected)


DATELINES = [
    (
        "SOUTHWEST ASIA, Dec. 20, 2016 — Coalition forces conducted 14 strikes, officials said.",
        "Coalition forces conducted 14 strikes",
    ),
    (
        "WASHINGTON (February 11, 2016) — The coalition has grown, Pentagon Press Secretary Peter Hill said today.",
        "The coalition has grown",
    ),
    ("WASHINGTON,(June 27, 2016) — The town is free, Defense Secretary Ann Cole said.", "The town is free"),
    ("TAMPA, Fla., Aug. 19, 2014 - Two strikes hit a checkpoint, officials said.", "Two strikes hit a checkpoint"),
    (
        "BAGHDAD, Iraq Iraqi commanders announced today Iraqi forces reached the river.",
        "Iraqi forces reached the river",
    ),
    ("WASHINGTON –\nThe siege is tightening, the spokesman said today.", "The siege is tightening"),
]


@pytest.mark.parametrize(("text", "statement"), DATELINES, ids=[r[0][:30] for r in DATELINES])
def test_a_dateline_is_never_quoted(text: str, statement: str) -> None:
    (quote,) = find_quotes(text, [])
    assert quote.text.startswith(statement), quote.text
    assert text[quote.start : quote.end].startswith(statement)


@pytest.mark.parametrize(
    "text",
    [
        "ISIS fighters, pushed back, regrouped.",
        "U.S. forces - and partners - advanced.",
        "JEAN-YVES LE DRIAN: Thank you.",
        "The SDF, made up of Arabs and Kurds, advanced.",
    ],
)
def test_not_datelines(text: str) -> None:
    assert blank_datelines(text) == text


TRANSCRIPT = (
    "Secretary of Defense Ashton Carter and Army Col. Steve Warren briefed reporters.\n\n"
    "COL. WARREN: Good morning. The coalition conducted 20 strikes.\n\n"
    "We expect more progress.\n\n"
    "Q: What about Mosul?\n\n"
    "SECRETARY CARTER: Mosul is next, and “soon” is the word.\n\n"
    "DEFENSE MINISTER JEAN-YVES LE DRIAN (THROUGH TRANSLATOR): Ladies and gentlemen, thank you."
)


def test_a_turn_gives_the_full_name_the_label_spells_out() -> None:
    text = "We turn it over to Colonel Miles.\n\nQ: Go ahead.\n\nCOLONEL RYAN MILES: Thank you. The city is surrounded."
    assert [q.speaker for q in find_quotes(text, [])] == ["Ryan Miles"]


def test_transcript_turns_are_quotes_of_their_speakers() -> None:
    quotes = [q for q in find_quotes(TRANSCRIPT, []) if q.kind == "direct"]
    assert [(q.text.split(".")[0], q.speaker) for q in quotes] == [
        ("Good morning", "Steve Warren"),
        ("Mosul is next, and “soon” is the word", "Ashton Carter"),
        ("Ladies and gentlemen, thank you", "Jean-Yves Le Drian"),
    ]
    assert "We expect more progress." in quotes[0].text  # a turn runs over its paragraphs
    assert all("What about Mosul" not in q.text for q in find_quotes(TRANSCRIPT, []))  # questions are not statements


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("COL. WARREN", "Col. Warren"),
        ("DEFENSE MINISTER JEAN-YVES LE DRIAN", "Defense Minister Jean-Yves Le Drian"),
    ],
)
def test_speaker_name_of_a_label(label: str, name: str) -> None:
    assert speaker_name(label) == name


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: Times are local.\n\nThe strikes continued.",
        "WASHINGTON: The strikes continued.",
        "The plan: strike first.",
        "The colonel briefed reporters.\n\nCOL. WARREN: We are winning.\n\nThe briefing "
        "ended.",  # one label inside a story
        "SYRIA: Near Raqqa, three strikes hit a tunnel.\n\nIRAQ: Near Mosul, a strike hit a "
        "mortar.",  # headings in capitals
    ],
)
def test_not_transcripts(text: str) -> None:
    assert transcript_turns(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Coalition forces conducted 20 strikes near Raqqa.",
        "The SDF announced the start of the next phase of the operation.",
        "Officials reported details of the latest strikes.",
        "CENTCOM released a video of the strike.",
        "Also today, Carter commented on the bombings in Istanbul, Turkey.",
        "The Department of Defense announced a new contract today.",
        "Task force officials define a strike as one or more kinetic events.",
        "ISIS claimed the attack, which killed 12 civilians in Baghdad.",
        "News reports from the front say that the fighters are surrendering.",  # a plural noun is not a speech verb
    ],
)
def test_narration_is_no_quote(text: str) -> None:
    assert find_quotes(text, []) == []
