"""Clause attributes: on the seeds and on clauses written here in other wordings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract._text import QUANTITY, quantity
from ingest.extract.clauses import header_languages, read_clauses, script_language
from ingest.model import Clauses, Treaty
from tests.extract_samples import TEXT, built, fixture


def clauses(*articles: str) -> Clauses:
    return read_clauses(built([(None, text) for text in articles]))


# --- the seeds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "article", "methods", "escalation", "continues"),
    [
        ("000", "14", ("negotiations", "consultations"), None, True),
        ("001", "14", ("negotiations", "consultations"), None, False),
        ("002", "10", ("negotiations", "consultations"), ("Еуразиялық экономикалық қоғамдастықтың Соты", 6), False),
        ("003", "17", ("negotiations", "consultations"), None, False),
        ("004", "13", ("negotiations",), None, True),
    ],
)
def test_dispute_resolution_of_the_seeds(seeds: dict[str, Treaty], prefix, article, methods, escalation, continues) -> None:
    d = seeds[prefix].clauses.dispute_resolution
    assert (d.article, d.methods, d.obligations_continue) == (article, methods, continues)
    assert (None if d.escalation is None else (d.escalation.forum, d.escalation.after_months)) == escalation


@pytest.mark.parametrize(
    ("prefix", "article", "notice", "survival"),
    [("000", "17", 6, False), ("001", "18", 6, False), ("002", "11", 6, True), ("003", "22", 3, True), ("004", "15", 6, True)],
)
def test_withdrawal_of_the_seeds(seeds: dict[str, Treaty], prefix, article, notice, survival) -> None:
    w = seeds[prefix].clauses.withdrawal
    assert (w.article, w.notice_months, w.survival) == (article, notice, survival)


@pytest.mark.parametrize(
    ("prefix", "article", "notification", "delay"),
    [("000", "16", 4, 0), ("001", "16", 3, 30), ("002", "8", "all", 0), ("003", "20", 4, 30), ("004", "15", "last", 0)],
)
def test_entry_into_force_of_the_seeds(seeds: dict[str, Treaty], prefix, article, notification, delay) -> None:
    e = seeds[prefix].clauses.entry_into_force
    assert (e.article, e.notification, e.delay_days) == (article, notification, delay)


@pytest.mark.parametrize(
    ("prefix", "article", "indefinite"),
    [("000", "12", False), ("001", "18", True), ("002", "8", True), ("003", "20", True), ("004", "15", True)],
)
def test_duration_of_the_seeds(seeds: dict[str, Treaty], prefix, article, indefinite) -> None:
    d = seeds[prefix].clauses.duration
    assert (d.article, d.indefinite, d.years) == (article, indefinite, None)


@pytest.mark.parametrize(
    ("prefix", "amendments", "expenses"),
    [("000", "13", "15"), ("001", "15", None), ("002", "9", None), ("003", "19", "16"), ("004", "14", "10")],
)
def test_amendments_and_expenses_of_the_seeds(seeds: dict[str, Treaty], prefix, amendments, expenses) -> None:
    c = seeds[prefix].clauses
    assert (c.amendments.article, c.amendments.by_protocol) == (amendments, True)
    if expenses is None:
        assert c.expenses is None
    else:
        assert (c.expenses.article, c.expenses.own_costs) == (expenses, True)


def test_classification_levels_of_004_take_the_header_languages(seeds: dict[str, Treaty]) -> None:
    assert seeds["004"].clauses.classification_levels == (
        {"kk": "Аса маңызды", "tk": "Aýratyn ähmiýetli", "ru": "Особой важности"},
        {"kk": "Өте құпия", "tk": "Iňňän gizlin", "ru": "Совершенно секретно"},
        {"kk": "Құпия", "tk": "Gizlin", "ru": "Секретно"},
    )


def test_classification_levels_of_003_come_from_the_per_party_annex_table(seeds: dict[str, Treaty]) -> None:
    # every party's levels are printed in Kazakh; the Centre's "Орталық 001" is no level name
    assert seeds["003"].clauses.classification_levels == ({"kk": "Өте құпия"}, {"kk": "Құпия"})


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_no_classification_table_where_there_is_none(seeds: dict[str, Treaty], prefix: str) -> None:
    assert seeds[prefix].clauses.classification_levels == ()


# --- other wordings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("Әрбір Тарап шығу күніне дейін кемінде алты ай бұрын депозитарийге жазбаша хабарлама жібере отырып, осы Келісімнен шыға алады.", 6),
        ("Тарап осы Келісімнен шығатын күнге дейін 3 (үш) айдан кешіктірмей хабарлама жіберіп, одан шыға алады.", 3),
        ("Әр Тарап осы Келісімнің қолданылуын тоқтата алады. Келісім хабарлама алынған күннен бастап 90 күннен кешіктірмей тоқтатылады.", 3),
        ("Тараптардың кез келгені осы Келісімнен шыға алады. Келісім шығу туралы хабарлама алынған күннен бастап бір жыл өткен соң тоқтатылады.", 12),
        ("Әр Тарап екінші Тарапқа жазбаша хабарлама жіберу арқылы осы Келісімнің қолданылуын тоқтата алады.", None),
    ],
)
def test_notice_forms(text: str, notice: int | None) -> None:
    assert clauses(text).withdrawal.notice_months == notice


@pytest.mark.parametrize(
    ("text", "survival"),
    [
        ("Осы Келісімнің қолданылуы тоқтатылғанына қарамастан, құпия ақпаратты қорғау жөніндегі міндеттемелер күшінде қалады.", True),
        ("Тарап осы Келісімнен шыққан жағдайда алынған ақпаратқа қатысты қорғау шаралары қолданыла береді.", True),
        ("Тарап осы Келісімнен шығатыны туралы депозитарийді хабардар етеді.", False),
    ],
)
def test_survival_forms(text: str, survival: bool) -> None:
    c = clauses("Әрбір Тарап хабарлама жіберіп, осы Келісімнен шыға алады.", text)
    assert c.withdrawal.survival is survival


@pytest.mark.parametrize(
    ("text", "notification", "delay"),
    [
        ("Осы Келісім екінші жазбаша хабарламаны алған күннен бастап күшіне енеді.", 2, 0),
        ("Осы Келісім депозитарий 3-ші жазбаша хабарламаны алған күннен бастап 30 (отыз) күн өткен соң күшіне енеді.", 3, 30),
        ("Осы Келісім Тараптардың соңғы жазбаша хабарламасын алған күннен бастап отыз күн өткен соң күшіне енеді.", "last", 30),
        ("Осы Келісім барлық Тараптардың мемлекетішілік рәсімдерді орындағаны туралы хабарламаларын депозитарий алған күні күшіне енеді.", "all", 0),
        ("Осы Келісім қол қойылған күнінен бастап күшіне енеді.", None, 0),
        ("Осы Келісім бесінші хабарлама алынған күннен бастап 90 күннен кейін күшіне енеді. Кейін қосылған мемлекет үшін ол 30 күн өткен соң күшіне енеді.", 5, 90),
    ],
)
def test_entry_into_force_forms(text: str, notification, delay) -> None:
    e = clauses(text).entry_into_force
    assert (e.notification, e.delay_days) == (notification, delay)


@pytest.mark.parametrize(
    ("text", "indefinite", "years", "renewal"),
    [
        ("Осы Келісімнің қолданылу мерзімі бес жыл.", False, 5, None),
        ("Осы Келісім он жыл мерзімге жасалады және келесі бес жылдық кезеңдерге автоматты түрде ұзартылады.", False, 10, 5),
        ("Осы Келісім мерзімсіз жасалады.", True, None, None),
        ("Осы Келісім белгіленбеген мерзімге жасалады.", True, None, None),
        ("Осы Келісім 1992 жылғы 15 мамырдағы Ұжымдық қауіпсіздік туралы шарттың қолданылу мерзімі ішінде қолданылады.", False, None, None),
    ],
)
def test_duration_forms(text: str, indefinite: bool, years, renewal) -> None:
    d = clauses(text).duration
    assert (d.indefinite, d.years, d.renewal_years) == (indefinite, years, renewal)


@pytest.mark.parametrize(
    ("text", "methods", "forum", "months", "continues"),
    [
        ("Даулар келіссөздер арқылы шешіледі. Егер дау үш ай ішінде реттелмесе, ол кез келген Тараптың өтініші бойынша төрелік сотқа беріледі.",
         ("negotiations",), "төрелік сот", 3, False),
        ("Даулы мәселелер консультациялар жолымен шешіледі. Алпыс күн ішінде дау реттелмеген жағдайда, кез келген Тарап оны Халықаралық Сотқа беруге құқылы.",
         ("consultations",), "Халықаралық Сот", 2, False),
        ("Осы Келісімге байланысты даулар арбитраж арқылы шешіледі.", ("arbitration",), None, None, False),
        ("Даулар төрелік сот арқылы шешіледі.", ("arbitration",), None, None, False),
        ("Даулар жауапкер Тарап мемлекетінің сотында қаралады және шешіледі.", ("court",), None, None, False),
        ("1. Даулар келіссөздер арқылы шешіледі.\n2. Егер дау алты ай ішінде реттелмесе, кез келген Тарап оны Халықаралық Сотқа беруге құқылы.",
         ("negotiations",), "Халықаралық Сот", 6, False),
        ("Даулар Тараптардың келіссөздері арқылы шешіледі. Дау шешілгенге дейін Тараптар өз міндеттемелерін орындай береді.",
         ("negotiations",), None, None, True),
    ],
)
def test_dispute_forms(text, methods, forum, months, continues) -> None:
    d = clauses(text).dispute_resolution
    assert d.methods == methods
    assert d.obligations_continue is continues
    if forum is None:
        assert d.escalation is None
    else:
        assert (d.escalation.forum, d.escalation.after_months) == (forum, months)


@pytest.mark.parametrize(
    ("text", "by_protocol"),
    [
        ("Осы Келісімге жеке хаттамалармен ресімделетін өзгерістер енгізілуі мүмкін.", True),
        ("Осы Келісімге өзгерістер мен толықтырулар Тараптардың жазбаша келісімі бойынша енгізілуі мүмкін.", False),
    ],
)
def test_amendment_forms(text: str, by_protocol: bool) -> None:
    assert clauses(text).amendments.by_protocol is by_protocol


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Тараптар осы Келісімді орындауға байланысты шығыстарды өз есебінен көтереді.", True),
        ("Әрбір Тарап өз шығыстарын дербес көтереді.", True),
        ("Осы Келісімді орындауға байланысты шығыстарды Тараптар тең үлесте көтереді.", False),
    ],
)
def test_expense_forms(text: str, own: bool) -> None:
    assert clauses(text).expenses.own_costs is own


def test_clauses_cite_their_articles_in_a_parsed_fixture() -> None:
    treaty = fixture("""
1-бап
Тараптар ақпарат алмасуды жүзеге асырады.

2-бап
Осы Келісімді түсіндіруге байланысты даулар келіссөздер арқылы шешіледі.

3-бап
Осы Келісім екінші жазбаша хабарламаны алған күннен бастап күшіне енеді және бес жыл мерзімге жасалады.

4-бап
Әрбір Тарап кемінде алты ай бұрын жазбаша хабарлама жіберіп, осы Келісімнен шыға алады.
""")
    c = treaty.clauses
    assert (c.dispute_resolution.article, c.entry_into_force.article, c.duration.article, c.withdrawal.article) == ("2", "3", "3", "4")
    assert (c.entry_into_force.notification, c.duration.years, c.withdrawal.notice_months) == (2, 5, 6)
    assert c.amendments is None and c.expenses is None


# --- classification levels ------------------------------------------------------------------


def test_levels_by_the_script_when_the_header_names_no_language() -> None:
    text = ("Құпиялылық дәрежелері мынадай түрде салыстырылады:\n"
            "\"Совершенно секретно\" \"Өте құпия\"\n\"Секретно\" \"Құпия\"")
    assert clauses(text).classification_levels == (
        {"ru": "Совершенно секретно", "kk": "Өте құпия"}, {"ru": "Секретно", "kk": "Құпия"},
    )


def test_levels_from_an_annex_table_with_a_language_header() -> None:
    treaty = built([(None, "Құпиялылық дәрежелері қосымшаға сәйкес салыстырылады.")],
                   tables=((("Қазақстан Республикасында", "Ресей Федерациясында"),
                            ("Өте құпия", "Совершенно секретно"), ("Құпия", "Секретно")),))
    assert read_clauses(treaty).classification_levels == (
        {"kk": "Өте құпия", "ru": "Совершенно секретно"}, {"kk": "Құпия", "ru": "Секретно"},
    )


def test_levels_from_tab_separated_lines_of_an_annex() -> None:
    treaty = built([(None, "Тараптар құпия ақпаратты қорғайды.")],
                   annex_text="Орыс тілінде\tҚазақ тілінде\nСекретно\tҚұпия\nСовершенно секретно\tӨте құпия")
    assert read_clauses(treaty).classification_levels == (
        {"ru": "Секретно", "kk": "Құпия"}, {"ru": "Совершенно секретно", "kk": "Өте құпия"},
    )


@pytest.mark.parametrize(
    ("cell", "lang"),
    [("Өте құпия", "kk"), ("Iňňän gizlin", "tk"), ("Совершенно секретно", "ru"), ("2", None)],
)
def test_script_language(cell: str, lang: str | None) -> None:
    assert script_language(cell) == lang


def test_header_languages_in_the_order_named() -> None:
    assert header_languages("Қазақстан Республикасында Түрікменстанда Орыс тілінде қалыптасқан сөз баламасы") == ["kk", "tk", "ru"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("6 (алты) ай", 6, "month"), ("алты ай", 6, "month"), ("3 (үш) айдан", 3, "month"), ("1 (бір айдан)", 1, "month"),
     ("30 күн", 30, "day"), ("90 күннен", 90, "day"), ("жиырма бес жыл", 25, "year"), ("30 (отызыншы) күні", 30, "day")],
)
def test_quantities(text: str, value: int, unit: str) -> None:
    assert quantity(QUANTITY.search(text)) == (value, unit)


@pytest.mark.parametrize("text", ["айқындалады", "күнделікті", "жылжымалы мүлік"])
def test_words_that_are_no_quantity(text: str) -> None:
    assert QUANTITY.search(text) is None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=st.lists(st.tuples(st.none() | TEXT, TEXT), max_size=4), annex=TEXT,
       rows=st.lists(st.lists(TEXT, min_size=1, max_size=3).map(tuple), max_size=4))
def test_arbitrary_text_never_raises(articles, annex, rows) -> None:
    treaty = built(articles, tables=(tuple(rows),) if rows else (), annex_text=annex)
    assert isinstance(read_clauses(treaty), Clauses)


def test_the_article_labelled_with_the_type_carries_the_clause_before_one_with_its_wording_only() -> None:
    """Article 1 settles disputes about a sentence's enforcement in passing ("… даулар …
    реттеледі"); article 2, labelled dispute resolution, says it with other words
    ("консультациялар өткізеді"). The labelled one carries the clause."""
    import msgspec

    treaty = built([
        ("Үкімді орындау", "Үкімді орындауға байланысты даулар орындаушы мемлекеттің заңнамасына сәйкес реттеледі."),
        ("Дауларды реттеу", "Тараптар осы Келісімді түсіндіруге байланысты кез келген Тараптың өтініші бойынша консультациялар өткізеді."),
    ])
    labels = {"1": ("cooperation",), "2": ("dispute_resolution",)}
    treaty = msgspec.structs.replace(
        treaty, articles=tuple(msgspec.structs.replace(a, clause_types=labels[a.num]) for a in treaty.articles)
    )
    clauses = read_clauses(treaty)
    assert clauses.dispute_resolution is not None and clauses.dispute_resolution.article == "2"
    assert clauses.dispute_resolution.methods == ("consultations",)


def _final_article(text: str, kinds: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """The clause attributes of a treaty whose one article, labelled ``kinds``, is ``text``."""
    import msgspec

    treaty = built([("Қорытынды ережелер", text)])
    article = msgspec.structs.replace(treaty.articles[0], clause_types=kinds)
    return read_clauses(msgspec.structs.replace(treaty, articles=(article,)))


@pytest.mark.parametrize(
    ("text", "delay", "notification"),
    [
        ("Осы Келісім соңғы жазбаша хабарлама алынған күннен бастап отыз (30) тәулік өткеннен кейін күшіне енеді.", 30, "last"),
        ("Осы Шарт хабарлар алысқаннан кейін соңғы хабар алынған соң 30-күні күшіне енеді.", 30, "last"),
        ("Осы Келісім екінші жазбаша хабарламаны алған күннен бастап күшіне енеді.", 0, 2),
    ],
)
def test_entry_into_force_wordings(text: str, delay: int, notification: object) -> None:
    c = _final_article(text, ("entry_into_force",)).entry_into_force
    assert c is not None and (c.delay_days, c.notification) == (delay, notification)


@pytest.mark.parametrize(
    "text",
    [
        "Осы Келісім белгісіз мерзімге жасалады.",
        "Бұл Шарттың мерзімі жоқ.",
        "Осы Келісім белгіленбеген мерзімге жасалады.",
    ],
)
def test_an_indefinite_term_in_other_words(text: str) -> None:
    c = _final_article(text, ("duration",)).duration
    assert c is not None and c.indefinite


@pytest.mark.parametrize(
    ("text", "months", "survival"),
    [
        # the notice as the time the treaty stays in force after it
        ("Тараптардың бірі екінші Тарапты қолданылуын тоқтату ниеті туралы жазбаша хабардар еткен күннен бастап "
         "алты ай өткенге дейін Келісім күшінде қалады.", 6, False),
        # what goes on once the treaty has ended: requests under way, investments made
        ("Тараптардың бірі жазбаша хабарлама жіберген күннен бастап бір жүз сексен (180) тәулік өткеннен кейін "
         "Келісім қолданылуын тоқтатады. Келісімнің қолданылуы тоқтатылған жағдайда, берілген сұрау салулар олар "
         "толық орындалғанға дейін күшінде қалады.", 6, True),
        ("Осы Келісімнің қолданысын тоқтату жүзеге асырылған инвестицияларға қатысты 10 (он) жыл ішінде "
         "оның іске асырылуына әсер етпейді.", None, True),
    ],
)
def test_withdrawal_notice_and_survival_in_other_words(text: str, months: int | None, survival: bool) -> None:
    c = _final_article(text, ("withdrawal",)).withdrawal
    assert c is not None and (c.notice_months, c.survival) == (months, survival)


def test_a_quantity_of_calendar_days() -> None:
    match = QUANTITY.search("хабарлама алынған күннен бастап 30 (отыз) күнтізбелік күн өткен соң")
    assert match is not None and quantity(match) == (30, "day")


def test_an_escalation_to_a_list_of_forums() -> None:
    """"If not settled within six months, the investor may submit the dispute:" followed by
    points naming forums: the points are where the dispute goes, not how it is settled,
    and the tribunal's procedure after them names no method either."""
    d = clauses(
        "1. Тараптар дауды консультациялар және келіссөздер арқылы шешуге ұмтылады.\n"
        "2. Егер дау алты ай ішінде шешілмесе, инвестор дауды:\n"
        "2.1) дауласушы Тарап мемлекетінің соттарына;\n"
        "2.2) Төрелік регламентке сәйкес құрылған төрелік сотқа ұсына алады.\n"
        "3. Төрелік сот үш төрешіден тұрады."
    ).dispute_resolution
    assert d is not None and d.methods == ("negotiations", "consultations")
    assert d.escalation is not None and d.escalation.after_months == 6 and d.escalation.forum == "соттары"


def test_the_dispute_clause_is_where_disputes_are_settled_not_where_the_chapter_is_named() -> None:
    """Neither article is labelled: the one that names the chapter "Дауларды реттеу" (a
    verbal noun, no act) carries nothing; the one whose Parties settle (active voice) does."""
    d = clauses(
        "Осы Келісімнің 3-тарауы (Дауларды реттеу) инвестицияларға қолданылады.",
        "Тараптар дауларды консультациялар арқылы шешеді.",
    ).dispute_resolution
    assert d is not None and (d.article, d.methods) == ("2", ("consultations",))


def test_the_article_saying_it_most_often_carries_the_clause_among_equals() -> None:
    """Both articles are labelled dispute resolution and have its wording: a definition
    mentions once how disputes are settled, the dispute article says it twice."""
    import msgspec

    treaty = built([
        ("Анықтамалар", "«Төреші» – дауларды төрелік сотта шешетін тұлға."),
        ("Рәсім", "1. Даулы мәселелер келіссөздер арқылы шешіледі.\n2. Келіспеушіліктер консультациялар арқылы реттеледі."),
    ])
    treaty = msgspec.structs.replace(treaty, articles=tuple(
        msgspec.structs.replace(a, clause_types=("dispute_resolution",)) for a in treaty.articles))
    d = read_clauses(treaty).dispute_resolution
    assert d is not None and d.article == "2"
