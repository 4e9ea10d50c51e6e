"""The search query language: parser tables, compiled FTS5 expressions and SQL filters,
the tokenizer the index and the queries share, and hostile input (hypothesis) run
against a real FTS5 table over provisions stored with the knowledge base's own DDL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kb.errors import QueryError
from kb.matching import highlight_positions, matches
from kb.query import (
    MAX_QUERY_CHARS,
    AnyOf,
    Filters,
    Phrase,
    Query,
    Word,
    YearRange,
    parse_filters,
    parse_query,
)
from kb.schema import SEGMENT_DDL, insert_provisions
from kb.tokens import lemmas_of, tokenize, unpack_tokens
from tests.fts5_oracle import (
    FTS_TOKENIZER,
    add_fts,
    compile_filters,
    compile_match,
    fts_string,
    to_check,
)
from tests.kb_samples import make_treaty

W = Word


# -- parser tables -------------------------------------------------------------------------

PARSES: list[tuple[str, Query]] = [
    ("құпия ақпаратқа", Query((W("құпия"), W("ақпаратқа")))),
    ('"құпия ақпарат"', Query((Phrase((W("құпия"), W("ақпарат"))),))),
    ("«құпия ақпарат»", Query((Phrase((W("құпия"), W("ақпарат"))),))),
    ('"құпия ақпарат', Query((Phrase((W("құпия"), W("ақпарат"))),))),  # unbalanced: runs to the end
    ('"ақпарат"', Query((W("ақпарат"),))),  # a one-word phrase is a word
    ("ақпарат OR мәлімет", Query((AnyOf((W("ақпарат"), W("мәлімет"))),))),
    ("ақпарат OR мәлімет құпия", Query((AnyOf((W("ақпарат"), W("мәлімет"))), W("құпия")))),
    ('a OR b OR "c d"', Query((AnyOf((W("a"), W("b"), Phrase((W("c"), W("d"))))),))),
    ("OR ақпарат OR", Query((W("ақпарат"),))),  # dangling operators are ignored
    ("ақпарат or мәлімет", Query((W("ақпарат"), W("or"), W("мәлімет")))),  # only upper-case OR is one
    ("ақпарат AND құпия", Query((W("ақпарат"), W("құпия")))),
    ("құпия -тарату", Query((W("құпия"),), excluded=(W("тарату"),))),
    ('ақпарат -"үшінші тарап"', Query((W("ақпарат"),), excluded=(Phrase((W("үшінші"), W("тарап"))),))),
    ("ақпарат - құпия", Query((W("ақпарат"), W("құпия")))),  # a lone dash excludes nothing
    ("іс-қимыл ҰҚШҰ-ға 16-бап", Query((W("іс-қимыл"), W("ҰҚШҰ-ға"), W("16-бап")))),
    ("іс‑қимыл", Query((W("іс-қимыл"),))),  # a non-breaking hyphen is a hyphen
    ("ақпарат,құпия", Query((Phrase((W("ақпарат"), W("құпия"))),))),  # glued by punctuation: a phrase
    ("(немесе)", Query((W("немесе"),))),
    ("ақпарат treaty:2017-akparat-almasu", Query((W("ақпарат"),), filters=Filters(treaty=("2017-akparat-almasu",)))),
    ("ақпарат year:2017", Query((W("ақпарат"),), filters=Filters(year=(YearRange(2017, 2017),)))),
    ("ақпарат Year:2010-2018", Query((W("ақпарат"),), filters=Filters(year=(YearRange(2010, 2018),)))),
    ("ақпарат year:2010..2018", Query((W("ақпарат"),), filters=Filters(year=(YearRange(2010, 2018),)))),
    (
        "ақпарат year:2011 year:2017",
        Query((W("ақпарат"),), filters=Filters(year=(YearRange(2011, 2011), YearRange(2017, 2017)))),
    ),
    ("ақпарат type:dispute_resolution", Query((W("ақпарат"),), filters=Filters(type=("dispute_resolution",)))),
    ("ақпарат article:4", Query((W("ақпарат"),), filters=Filters(article=("4",)))),
    ("ақпарат article:4-бап", Query((W("ақпарат"),), filters=Filters(article=("4",)))),
    ("ақпарат party:Түрікменстан", Query((W("ақпарат"),), filters=Filters(party=("Түрікменстан",)))),
    ('ақпарат party:"Түрікменстан Үкіметі"', Query((W("ақпарат"),), filters=Filters(party=("Түрікменстан Үкіметі",)))),
    ("Тараптар:мемлекеттер", Query((Phrase((W("Тараптар"), W("мемлекеттер"))),))),  # not a filter: Cyrillic
    ("NEAR(ақпарат, құпия)", Query((Phrase((W("NEAR"), W("ақпарат"))), W("құпия")))),
    ("ақпарат* ^құпия", Query((W("ақпарат"), W("құпия")))),
    ("ақпарат\x00құпия", Query((W("ақпарат"), W("құпия")))),  # NUL is a space
    # only the five filter names are filters, and only glued to a value: the rest is text
    ("lemmas:ақпарат", Query((Phrase((W("lemmas"), W("ақпарат"))),))),
    ("Kyrgyzstan: арбитраж", Query((W("Kyrgyzstan"), W("арбитраж")))),
    ("ақпарат year:", Query((W("ақпарат"), W("year")))),
    ("Type: bilateral", Query((W("Type"), W("bilateral")))),
    ("Article 5: дау", Query((W("Article"), W("5"), W("дау")))),
]


@pytest.mark.parametrize(("text", "expected"), PARSES, ids=[p[0] for p in PARSES])
def test_parse(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


def test_words_keep_their_case_for_the_analyser_and_fold_for_the_index() -> None:
    word = parse_query("ТМД-ның").clauses[0]
    assert word == W("ТМД-ның")
    assert isinstance(word, Word) and word.form == "тмд-ның" and word.lemmas == ("тмд",)
    assert W("үшiн").form == "үшін"  # a Latin "i" inside a Cyrillic word


REFUSED: list[tuple[str, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("x" * (MAX_QUERY_CHARS + 1), "longer than 1,000 characters"),
    ("!!! ??? *** ()", "no searchable word"),
    ('"" «» ^*', "no searchable word"),
    ("-құпия", "only excluded"),
    ("-құпия -\"ақпарат алмасу\"", "only excluded"),
    ("ақпарат year:20x", "year"),
    ("ақпарат year:2018-2010", "ends before it starts"),
    ("ақпарат type:Bad-Type", "clause type id"),
    ("ақпарат article:бірінші", "article number"),
    ("ақпарат party:!!!", "party"),
    ("ақпарат -year:2017", "cannot be excluded"),
    (" ".join(f"сөз{i}" for i in range(40)), "more than 32 words"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[r[1] + ":" + r[0][:20] for r in REFUSED])
def test_refused_queries_name_the_parameter(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert info.value.param == "q"
    assert message in info.value.message


AS_TEXT: list[tuple[str, Query, str]] = [
    # (query, as the text modes read it, the text they embed)
    ("құпия -тарату", Query((W("құпия"), W("тарату"))), "құпия -тарату"),  # no exclusion: a word
    ('"құпия ақпарат" OR мәлімет', Query((W("құпия"), W("ақпарат"), W("OR"), W("мәлімет"))), '"құпия ақпарат" OR мәлімет'),
    (
        "Дауларды шешу: year:2017 келіссөздер арқылы",
        Query((W("Дауларды"), W("шешу"), W("келіссөздер"), W("арқылы")), filters=Filters(year=(YearRange(2017, 2017),))),
        "Дауларды шешу: келіссөздер арқылы",
    ),
    (
        'party:"Түрікменстан Үкіметі" ақпарат',
        Query((W("ақпарат"),), filters=Filters(party=("Түрікменстан Үкіметі",))),
        "ақпарат",
    ),
]


@pytest.mark.parametrize(("text", "expected", "embedded"), AS_TEXT, ids=[a[0] for a in AS_TEXT])
def test_the_text_modes_read_everything_but_the_filters_as_text(text: str, expected: Query, embedded: str) -> None:
    parsed = parse_query(text, as_text=True)
    assert parsed == expected
    assert parsed.text == embedded


def test_the_keyword_mode_keeps_the_text_without_its_filters_too() -> None:
    assert parse_query("ақпарат  type:withdrawal алмасу").text == "ақпарат алмасу"
    assert parse_query("  ақпарат ").text == "ақпарат"


_PROSE_WORDS = st.sampled_from(
    "Investment agreement with Kyrgyzstan how long before a dispute goes to arbitration Article Type Year "
    "Treaty Party year type treaty party article Дауларды шешу келісім бойынша Соглашение с Узбекистаном "
    "перевозки разрешения кто центральный орган 5 17 2017 1-бап ҚР".split()
)
_GLUE = st.sampled_from([" ", " ", ": ", ", ", " – ", " - ", " — ", ' "', '" ', " «", "» ", "? ", ". ", "; ", " (", ") "])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_PROSE_WORDS, _GLUE), min_size=1, max_size=30), st.booleans())
def test_natural_text_with_colons_quotes_and_dashes_is_never_refused(parts: list[tuple[str, str]], as_text: bool) -> None:
    """A question, a heading or a pasted clause: words joined by the punctuation of
    prose (a colon always followed by a space, as prose writes it). Whatever the words,
    filter names among them, it parses; only the bounds could refuse it, and these
    sentences are within them."""
    text = "".join(word + glue for word, glue in parts)
    query = parse_query(text, max_words=400, as_text=as_text)
    assert query.words() or query.excluded
    assert not query.filters


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=MAX_QUERY_CHARS), st.booleans())
def test_a_refusal_names_only_a_real_problem(text: str, as_text: bool) -> None:
    """Any text at all: parsed, or refused for a reason of its own (no word, only
    excluded words, too many words, a filter name glued to a value it cannot take),
    never for an "unknown filter"."""
    try:
        parse_query(text, as_text=as_text)
    except QueryError as error:
        assert error.param == "q"
        assert "unknown filter" not in error.message
        reasons = ("empty", "no searchable word", "only excluded", "more than", "cannot be excluded", *(f"{k}:" for k in ("treaty", "party", "year", "type", "article")))
        assert any(reason in error.message for reason in reasons), error.message


def test_a_query_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(QueryError, match="must be a string"):
        parse_query(None)  # type: ignore[arg-type]


def test_filters_given_as_parameters_name_their_parameter() -> None:
    assert parse_filters(treaty="t1", year="2017", type="withdrawal", party="Ресей", article="4") == Filters(
        treaty=("t1",), party=("Ресей",), year=(YearRange(2017, 2017),), type=("withdrawal",), article=("4",)
    )
    assert parse_filters(treaty=None, year=None) == Filters()
    for key, value in [("year", "last year"), ("type", "DROP TABLE"), ("article", "x"), ("year", "x" * 2000), ("treaty", " ")]:
        with pytest.raises(QueryError) as info:
            parse_filters(**{key: value})
        assert info.value.param == key


# -- compiling --------------------------------------------------------------------------------


def _lemma_group(word: str) -> str:
    return " OR ".join(f'"{lemma}"' for lemma in lemmas_of(word))


def test_a_word_is_its_form_or_any_of_its_lemmas() -> None:
    compiled = compile_match(parse_query("құпия ақпаратқа"))
    assert compiled.exact
    assert compiled.match == (
        f'(surface : "құпия" OR lemmas : ({_lemma_group("құпия")}))'
        f' AND (surface : "ақпаратқа" OR lemmas : ({_lemma_group("ақпаратқа")}))'
    )
    assert '"ақпарат"' in compiled.match  # the lemma, not just the typed form


def test_exclusion_and_or_compile_to_not_and_or() -> None:
    match = compile_match(parse_query("ақпарат OR мәлімет -тарату")).match
    assert match.startswith('(((surface : "ақпарат" OR') and ' OR (surface : "мәлімет" OR ' in match
    assert match.endswith(f'NOT ((surface : "тарату" OR lemmas : ({_lemma_group("тарату")})))')


def test_a_phrase_is_near_groups_over_lemmas_and_checked_afterwards() -> None:
    query = parse_query('"құпия ақпарат"')
    compiled = compile_match(query)
    assert not compiled.exact and to_check(query) == query
    assert compiled.match.startswith('(surface : "құпия ақпарат" OR lemmas : (NEAR("құпия" "ақпарат", 12)')
    # an excluded phrase is left out of FTS5 (it would exclude too much) and checked instead
    out = parse_query('ақпарат -"құпия ақпарат"')
    assert "NOT" not in compile_match(out).match
    assert to_check(out) == Query((), excluded=(Phrase((W("құпия"), W("ақпарат"))),))


def test_fts_strings_double_their_quotes() -> None:
    assert fts_string('a"b') == '"a""b"'
    assert fts_string("") == '""'


def test_filters_compile_to_bound_parameters() -> None:
    filters = Filters(
        treaty=("a", "b"), party=("Ресей",), year=(YearRange(2010, 2018),), type=("withdrawal",), article=("4",)
    )
    sql = compile_filters(filters, lambda word: ["c"] if word == "Ресей" else [])
    assert sql.sql == (
        "p.treaty_id IN (?, ?) AND p.treaty_id IN (?) AND (p.year BETWEEN ? AND ?)"
        " AND EXISTS (SELECT 1 FROM json_each(p.clause_types) WHERE value IN (?)) AND p.article_num IN (?)"
    )
    assert sql.params == ("a", "b", "c", 2010, 2018, "withdrawal", "4")
    assert compile_filters(Filters(), lambda w: []).sql == "1"
    assert compile_filters(Filters(party=("Марс",)), lambda w: []).sql == "0"  # no such party: nothing


# -- the tokenizer the index and the queries share -----------------------------------------------


def test_tokenize_keeps_kazakh_letters_and_hyphenated_words() -> None:
    text = "ҰҚШҰ-ға мүше іс-қимылын, Келiсiмнің 16-бабына және/немесе Қазақстан–Ресей «ақпарат»: ұңғыма һәм йод"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == [
        "ҰҚШҰ-ға", "мүше", "іс-қимылын", "Келiсiмнің", "16-бабына", "және", "немесе", "Қазақстан", "Ресей",
        "ақпарат", "ұңғыма", "һәм", "йод",
    ]
    assert [t.surface for t in tokens][:4] == ["ұқшұ-ға", "мүше", "іс-қимылын", "келісімнің"]
    assert tokens[0].lemmas == ("ұқшұ",) and tokens[2].lemmas[0] == "іс-қимыл" and tokens[4].lemmas[0] == "бап"


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    """An in-memory knowledge base with the real DDL: one sample treaty's provisions."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SEGMENT_DDL)
    insert_provisions(conn, make_treaty("t1"), 1)
    add_fts(conn)
    yield conn
    conn.close()


def test_the_fts5_tokenizer_splits_as_the_python_tokenizer_does(fts: sqlite3.Connection) -> None:
    """What FTS5 indexes is exactly what ``tokenize`` produced: no Kazakh letter is a
    separator, hyphens join, "й" stays apart from "и", case is already folded."""
    assert "tokenchars '-'" in FTS_TOKENIZER and "remove_diacritics 0" in FTS_TOKENIZER
    text = "ҰҚШҰ-ға іс-қимылын әғқңөұүһі Келiсiмнің й и ЙОД"
    tokens = tokenize(text)
    fts.execute(
        "INSERT INTO provisions_fts (rowid, surface, lemmas) VALUES (99, ?, ?)",
        (" ".join(t.surface for t in tokens), " ".join(lemma for t in tokens for lemma in t.lemmas)),
    )
    fts.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, provisions_fts, 'instance')")
    rows = fts.execute("SELECT term, col FROM temp.vocab WHERE doc = 99 ORDER BY col, offset").fetchall()
    assert [term for term, col in rows if col == "surface"] == [t.surface for t in tokens]
    assert [term for term, col in rows if col == "lemmas"] == [lemma for t in tokens for lemma in t.lemmas]
    assert "әғқңөұүһі" in [t.surface for t in tokens] and "й" in [t.surface for t in tokens]
    assert fts.execute("SELECT rowid FROM provisions_fts WHERE provisions_fts MATCH 'surface : \"и\"'").fetchall() == [(99,)]


def _run(conn: sqlite3.Connection, query: Query) -> set[int]:
    compiled = compile_match(query)
    where = compile_filters(query.filters, lambda w: ["t1"])
    rows = conn.execute(
        "SELECT p.rowid, bm25(provisions_fts, 0.5, 1.0) FROM provisions_fts JOIN provisions p ON p.rowid = provisions_fts.rowid"
        f" WHERE provisions_fts MATCH ? AND ({where.sql})",
        (compiled.match, *where.params),
    ).fetchall()
    return {r[0] for r in rows}


def test_queries_run_against_the_index(fts: sqlite3.Connection) -> None:
    points = {r[0] for r in fts.execute("SELECT rowid FROM provisions WHERE text LIKE '%ақпарат алмасуды%'")}
    assert points and points <= _run(fts, parse_query("ақпаратпен алмасу"))  # other inflections
    assert not _run(fts, parse_query("ақпарат -алмасуға"))  # excluded in any inflection
    assert _run(fts, parse_query("ақпарат article:2")) == _run(fts, parse_query("ақпарат"))
    assert not _run(fts, parse_query("ақпарат article:3"))


# -- hostile input ----------------------------------------------------------------------------------

_NASTY = list('"«»“”„()[]{}*^:-+.,;!?\'\\/<>|&~`$%#@=_ \t\n\r\x00\x1f\u2028\ufeff') + [
    "NEAR", "NEAR(", "OR", "AND", "NOT", "lemmas:", "surface:", "{surface lemmas}:", "year:", "treaty:", "type:",
    "party:", "article:", "2017", "2010-2018", "құпия", "ақпарат", "іс-қимыл", "ҰҚШҰ-ға", "Тараптардың", "й", "-",
    "\ud800", "i̇", "ß", "ﬁ", "İ", "\u0306",
]
_query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_NASTY), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(_NASTY), st.text(max_size=5)), max_size=30).map(" ".join),
)


@pytest.fixture(scope="module")
def fts_module() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SEGMENT_DDL)
    insert_provisions(conn, make_treaty("t1"), 1)
    add_fts(conn)
    yield conn
    conn.close()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_query_text)
def test_any_text_parses_or_is_refused_and_compiles_to_valid_fts5(fts_module: sqlite3.Connection, text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as exc:
        assert exc.param == "q" and exc.message
        return
    _run(fts_module, query)  # an FTS5 syntax error would raise sqlite3.OperationalError here
    tokens = [(t.surface, t.lemmas) for t in tokenize(text)]
    matches(query, tokens)
    highlight_positions(query, tokens)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(treaty=_query_text, year=_query_text, clause_type=_query_text, party=_query_text, article=_query_text)
def test_any_filter_values_are_refused_by_name_or_bound(
    fts_module: sqlite3.Connection, treaty: str, year: str, clause_type: str, party: str, article: str
) -> None:
    try:
        filters = parse_filters(treaty=treaty, year=year, type=clause_type, party=party, article=article)
    except QueryError as exc:
        assert exc.param in {"treaty", "year", "type", "party", "article"}
        return
    where = compile_filters(filters, lambda w: [w])
    fts_module.execute(f"SELECT count(*) FROM provisions p WHERE {where.sql}", where.params).fetchone()


def test_a_ten_thousand_character_query_is_refused() -> None:
    with pytest.raises(QueryError, match="longer than 1,000 characters"):
        parse_query("ақпарат " * 1250)


def test_lone_surrogates_are_spaces() -> None:
    assert parse_query("ақпарат\ud800құпия") == Query((W("ақпарат"), W("құпия")))


_VOCABULARY = ["ақпарат", "ақпаратты", "алмасу", "алмасуды", "тараптар", "іс-шараларды", "бірлескен", "қамтамасыз", "етеді", "мәтіні", "осы", "нөмірі", "хабарлайды"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3),
    alt=st.lists(st.sampled_from(_VOCABULARY), max_size=2),
    out=st.lists(st.sampled_from(_VOCABULARY), max_size=2),
    phrase=st.booleans(),
)
def test_fts5_and_the_python_check_agree(
    fts_module: sqlite3.Connection, words: list[str], alt: list[str], out: list[str], phrase: bool
) -> None:
    """FTS5 (plus the phrase check) finds exactly the rows ``matches`` accepts."""
    text = (f'"{" ".join(words)}"' if phrase else " ".join(words)) + "".join(f" OR {a}" for a in alt) + "".join(f" -{o}" for o in out)
    query = parse_query(text)
    assume(query.clauses)
    rows = fts_module.execute("SELECT rowid, tokens FROM provisions").fetchall()

    expected = {rowid for rowid, tokens in rows if matches(query, unpack_tokens(tokens))}
    found = _run(fts_module, query)
    check = to_check(query)
    if check is not None:
        stored = dict(rows)
        found = {r for r in found if matches(check, unpack_tokens(stored[r]))}
    assert found == expected
