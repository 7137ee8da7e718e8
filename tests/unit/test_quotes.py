"""Quote finding and speaker attribution on many phrasings, and sentence spans."""

from __future__ import annotations

import pytest

from mapdash.geoparse.annotate import find_quotes, sentence_spans

# (text, [(kind, quote text, speaker, role), ...]) in text order.
CASES = [
    ('"We will win," Obama said.', [("direct", "We will win", "Obama", None)]),
    (
        'Defense Secretary Ash Carter said: "The coalition is united."',
        [("direct", "The coalition is united.", "Ash Carter", "Defense Secretary")],
    ),
    (
        "“The coalition is united,” said Defense Secretary Ash Carter.",
        [("direct", "The coalition is united", "Ash Carter", "Defense Secretary")],
    ),
    (
        "President Barack Obama spoke on Monday. “We are winning,” the president said.",
        [("direct", "We are winning", "Barack Obama", "President")],
    ),
    (
        "Army Lt. Gen. Sean MacFarland briefed reporters. “ISIL is on the defensive,” the general said.",
        [("direct", "ISIL is on the defensive", "Sean MacFarland", "Army Lt. Gen.")],
    ),
    (
        "Defense Secretary Ash Carter visited troops. “They are heroes,” he said.",
        [("direct", "They are heroes", "Ash Carter", "Defense Secretary")],
    ),
    (
        "Prime Minister Theresa May spoke. “We stand together,” she said.",
        [("direct", "We stand together", "Theresa May", "Prime Minister")],
    ),
    # a quote over two sentences, then one continued after the attribution
    (
        "“It could save lives. It could end the war,” Obama said. “We remain relentless.”",
        [
            ("direct", "It could save lives. It could end the war", "Obama", None),
            ("direct", "We remain relentless.", "Obama", None),
        ],
    ),
    # a multi-paragraph quote: the first paragraph is left open, the next reopens it
    (
        "Obama said: “First part of it.\n\n“Second part of it.”",
        [("direct", "First part of it.\nSecond part of it.", "Obama", None)],
    ),
    # a quote paragraph without attribution continues the previous speaker
    (
        "“One thing,” Carter said.\n\n“Another thing.”",
        [("direct", "One thing", "Carter", None), ("direct", "Another thing.", "Carter", None)],
    ),
    # a nested single-quoted 'if' is part of the quote, not another quote
    (
        "“If implemented -- and that’s a significant ‘if’ -- it could work,” Obama said.",
        [("direct", "If implemented -- and that’s a significant ‘if’ -- it could work", "Obama", None)],
    ),
    # partial quotes inside a sentence
    ("Carter called the strike “a significant blow” to ISIL.", [("direct", "a significant blow", "Carter", None)]),
    ('He said ISIL was "on the run" in Iraq.', [("direct", "on the run", None, None)]),
    # straight quotes with apostrophes inside
    ("\"It's ISIL's last stand,\" Carter said.", [("direct", "It's ISIL's last stand", "Carter", None)]),
    # a hard-wrapped line inside a quote
    ('"We will\ncontinue," Obama said.', [("direct", "We will\ncontinue", "Obama", None)]),
    # an unclosed quote stops at its paragraph
    (
        "Obama said: “This never closes\n\nThe next paragraph is narration.",
        [("direct", "This never closes", "Obama", None)],
    ),
    # a lone quote with nobody before it has no speaker
    ("“Hello there.”", [("direct", "Hello there.", None, None)]),
    # reported speech
    (
        "President Barack Obama spoke. The coalition is stronger, he said.",
        [("reported", "The coalition is stronger", "Barack Obama", "President")],
    ),
    ("Obama said that the campaign is accelerating.", [("reported", "the campaign is accelerating", "Obama", None)]),
    (
        "ISIL has lost ground, according to Defense Secretary Ash Carter.",
        [("reported", "ISIL has lost ground", "Ash Carter", "Defense Secretary")],
    ),
    (
        "The next phase will target Hit, he said, with the goal of retaking Mosul.",
        [("reported", "The next phase will target Hit, with the goal of retaking Mosul", None, None)],
    ),
    (
        "The tenant will move in next month, said Dick Lynch, executive director of the foundation.",
        [("reported", "The tenant will move in next month", "Dick Lynch", "executive director of the foundation")],
    ),
    (
        "The coalition is stronger, said Defense Secretary Ash Carter.",
        [("reported", "The coalition is stronger", "Ash Carter", "Defense Secretary")],
    ),
    (
        "Defense Secretary Ash Carter told reporters that more trainers will deploy.",
        [("reported", "more trainers will deploy", "Ash Carter", "Defense Secretary")],
    ),
    # two speakers: the role and the surname pick the right one
    (
        "President Barack Obama and Defense Secretary Ash Carter met. “We are making progress,” the secretary said. "
        "“So are our partners,” Obama said.",
        [
            ("direct", "We are making progress", "Ash Carter", "Defense Secretary"),
            ("direct", "So are our partners", "Barack Obama", "President"),
        ],
    ),
    # unnamed sources keep their role and take no part in later pronouns
    (
        "Defense Secretary Ash Carter spoke. “The raid worked,” a senior defense official said. “It did,” he said.",
        [
            ("direct", "The raid worked", None, "senior defense official"),
            ("direct", "It did", "Ash Carter", "Defense Secretary"),
        ],
    ),
    # officials speaking for a body: the body is the speaker (issue 11), a single unnamed official is not
    ("“Strikes continue,” Pentagon officials said.", [("direct", "Strikes continue", "Pentagon officials", None)]),
    ("Obama said in a statement on Friday: “We will prevail.”", [("direct", "We will prevail.", "Obama", None)]),
    # lower-case job titles, appositives and present-tense verbs
    ("“We are ready,” insists coach Darren Ripley.", [("direct", "We are ready", "Darren Ripley", "coach")]),
    ("“It will help,” spokeswoman Amanda Wurst said.", [("direct", "It will help", "Amanda Wurst", "spokeswoman")]),
    (
        "“Strikes continue,” Pentagon spokesman Navy Capt. Jeff Davis said.",
        [("direct", "Strikes continue", "Jeff Davis", "Pentagon spokesman Navy Capt.")],
    ),
    (
        "“Officers are rarely charged,” Victoria N. Pearson, general counsel for the police department, said.",
        [("direct", "Officers are rarely charged", "Victoria N. Pearson", "general counsel for the police department")],
    ),
    (
        "Adam Newport, 14, from Botley, said: “We all pulled our weight.”",
        [("direct", "We all pulled our weight.", "Adam Newport", None)],
    ),
    (
        "“It was hard,” said Brian Town, the station manager.",
        [("direct", "It was hard", "Brian Town", "station manager")],
    ),
    # narration without a speech verb is no quote
    ("The president directed the team to accelerate the campaign.", []),
    ("In Syria, local forces continue their gains against ISIL.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_quotes_and_speakers(text: str, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    quotes = find_quotes(text, [])
    assert [(q.kind, q.text, q.speaker, q.role) for q in quotes] == expected
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)


def test_pronoun_means_the_last_speaker_not_the_last_name() -> None:
    text = (
        "President Barack Obama said the coalition is stronger. He praised Defense Secretary Ash Carter's efforts. "
        "“Our partners agreed,” he said."
    )
    quotes = find_quotes(text, [])
    assert [(q.kind, q.speaker) for q in quotes] == [("reported", "Barack Obama"), ("direct", "Barack Obama")]


def test_role_reference_prefers_the_speaker_over_a_name_inside_a_quote() -> None:
    text = "President Barack Obama spoke. “President Assad must go,” Obama said. “We mean it,” the president said."
    assert [q.speaker for q in find_quotes(text, [])] == ["Barack Obama", "Barack Obama"]


def test_mentions_inside_the_quote_or_its_sentence_are_linked() -> None:
    text = "Troops entered Mosul. “We pushed ISIL out of Ramadi,” Obama said in Washington. Later he flew to Canada."
    spans = {
        name: (text.index(name), text.index(name) + len(name)) for name in ("Mosul", "Ramadi", "Washington", "Canada")
    }
    (quote,) = find_quotes(text, list(spans.values()))
    assert quote.mention_spans == (spans["Ramadi"], spans["Washington"])


def test_direct_quote_span_is_its_text() -> None:
    text = "“Every day, our air campaign continues,” Obama said."
    (quote,) = find_quotes(text, [])
    assert text[quote.start : quote.end] == quote.text


SENTENCES = [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    (
        "Army Lt. Gen. Sean MacFarland spoke. The U.S. Army agreed.",
        ["Army Lt. Gen. Sean MacFarland spoke.", "The U.S. Army agreed."],
    ),
    ("“It could save lives.” The next one.", ["“It could save lives.”", "The next one."]),
    ("Heading Without Stop\nThe body starts here.", ["Heading Without Stop", "The body starts here."]),
    ("a hard-wrapped\nline goes on.", ["a hard-wrapped\nline goes on."]),
    ("para one\n\nlower case para two", ["para one", "lower case para two"]),
    ("John F. Kennedy spoke.", ["John F. Kennedy spoke."]),
    ("  \n ", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


# --- the seed release: 14 direct quotes (counted by hand, by quotation-mark pairs) and 9 reported statements

SEED_QUOTES = [
    ("reported", "Even if there is a cessation of hostilities"),
    ("direct", "If implemented -- and that’s a significant ‘if’"),
    ("direct", "It could save lives. Potentially"),
    ("reported", "The United States will do all in its power"),
    ("direct", "At the same time, I want to make totally clear"),
    ("direct", "We remain relentless in going after them."),
    ("reported", "The coalition against the terror group is stronger"),
    ("direct", "Just about all of our military partners"),
    ("reported", "Dutch aircraft are now striking ISIL targets in Syria"),
    ("direct", "Every day, our air campaign"),
    ("direct", "ISIL fighters are learning"),
    ("reported", "Iraqi and Syrian ground forces"),
    ("direct", "After intense block-by-block fighting"),
    ("direct", "ISIL has now lost a series of key Iraqi towns"),
    (
        "reported",
        "The next phase in the campaign will target ISIL-controlled Hit in Iraq’s Anbar province, with the ultimate "
        "goal",
    ),
    ("reported", "The ultimate goal there is to squeeze"),
    ("direct", "Raqqa is not the capital of a growing caliphate"),
    ("direct", "This remains a difficult fight"),
    ("direct", "The situation in Syria and Iraq"),
    ("reported", "the fight in Syria has become a proxy war"),
    ("direct", "Beyond Syria and Iraq"),
    ("direct", "As we showed last week"),
    ("reported", "the United States will continue to work with Libya"),
]


def test_seed_quotes_all_found_and_attributed_to_obama() -> None:
    from test_phases import seed_mentions, seed_text

    text = seed_text()
    quotes = find_quotes(text, [(m.start, m.end) for m in seed_mentions(text)])
    assert [(q.kind, q.text[: len(start)]) for q, (_, start) in zip(quotes, SEED_QUOTES, strict=False)] == SEED_QUOTES
    assert len(quotes) == 23 and sum(q.kind == "direct" for q in quotes) == 14
    assert {(q.speaker, q.role) for q in quotes} == {("Barack Obama", "President")}


@pytest.mark.parametrize(
    ("quote_start", "place"),
    [
        ("After intense block-by-block fighting", "Ramadi"),
        ("Raqqa is not the capital", "Raqqa"),
        ("As we showed last week", "Libya"),
        ("Beyond Syria and Iraq", "Afghanistan"),
    ],
)
def test_seed_quote_links_its_places(quote_start: str, place: str) -> None:
    from test_phases import seed_mentions, seed_text

    text = seed_text()
    spans = [(m.start, m.end) for m in seed_mentions(text)]
    (quote,) = [q for q in find_quotes(text, spans) if q.kind == "direct" and q.text.startswith(quote_start)]
    assert any(text[s:e] == place and quote.start <= s < quote.end for s, e in quote.mention_spans)


def test_a_sentence_inside_a_long_quote_is_not_reported_speech() -> None:
    text = "“We are strong. Our partners are stronger, Carter said. We will win,” Obama said."
    assert [(q.kind, q.speaker) for q in find_quotes(text, [])] == [("direct", "Obama")]
