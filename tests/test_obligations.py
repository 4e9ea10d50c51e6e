"""``ingest.extract.obligations``: who must, may or must not do what, by when.

Table tests on excerpts of the seed treaties and on wordings of my own, the list
rule (points inherit the modality and actor of the sentence that introduces them),
what is not an obligation, invariants on the real corpus, and hypothesis: arbitrary
text never raises.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract import obligations as obligations_module
from ingest.extract.deadlines import find_deadline
from ingest.extract.obligations import find_obligations
from ingest.model import Alinea, Article, Obligation, Paragraph, Point, Span, Treaty

# An item of a paragraph: a string is an alinea, a pair (label, text) a point.
Item = str | tuple[str | None, str]


def make_treaty(
    articles: list[tuple[str, list[tuple[str | None, list[Item]]]]],
    *,
    id: str = "test-treaty",
    sha256: str = "0" * 64,
    source: str = "test.txt",
    title: str = "Сынақ келісімі",
) -> Treaty:
    """A treaty built by hand: articles of paragraphs of alineas and points, one line
    each, with spans into the text they make."""
    text = ""

    def add(line: str) -> Span:
        nonlocal text
        start = len(text)
        text += line + "\n"
        return Span(start, start + len(line))

    built = []
    pending = []
    for num, paragraphs in articles:
        a_start = len(text)
        paras = []
        for pnum, items in paragraphs:
            p_start = len(text)
            alineas, points = [], []
            for item in items:
                if isinstance(item, str):
                    alineas.append(Alinea(text=item, span=add(item)))
                else:
                    label, body = item
                    kind = "dash" if label is None else ("number" if label.isdigit() else "letter")
                    points.append(Point(num=label, kind=kind, text=body, span=add(body)))
            pending.append((p_start, len(text) - 1))
            paras.append((pnum, p_start, len(text) - 1, tuple(alineas), tuple(points)))
        built.append((num, a_start, len(text) - 1, paras))
    arts = tuple(
        Article(
            num=num,
            heading=None,
            implicit=False,
            text=text[a:b],
            span=Span(a, b),
            header_span=None,
            heading_span=None,
            paragraphs=tuple(
                Paragraph(num=pnum, text=text[s:e], span=Span(s, e), alineas=al, points=pt)
                for pnum, s, e, al, pt in paras
            ),
        )
        for num, a, b, paras in built
    )
    return Treaty(
        id=id, sha256=sha256, source=source, encoding="utf-8", title=title, draft=False,
        approval=None, signed=None, entry_into_force_date=None, parties=(), preamble=(),
        articles=arts, divisions=(), annexes=(), closing=None, signatures=(), front_matter=(),
        title_span=None, text=text,
    )


def one(sentence: str) -> list[Obligation]:
    """The obligations of an article of one alinea."""
    return list(find_obligations(make_treaty([("1", [(None, [sentence])])])))


def single(sentence: str) -> Obligation:
    found = one(sentence)
    assert len(found) == 1, found
    return found[0]


# --- excerpts of the seed treaties ------------------------------------------------

REAL = [
    # (excerpt, modality, actor printed, deadline (value, unit) | "immediate" | None)
    (
        "Тараптардың құзыретті органдарының атаулары, функциялары немесе құрылымы өзгерген жағдайда, "
        "Тараптар бұл туралы келісілген байланыс арналары арқылы дереу бір-біріне хабарлайды.",
        "obligation", "Тараптар", "immediate",
    ),
    (
        "Сұрау салынатын құзыретті орган, егер сұрау салу оның мемлекетінің мүдделеріне және (немесе) "
        "заңнамасына не халықаралық міндеттемелеріне қайшы келсе, сондай-ақ, егер сұрау салу осы "
        "Келісімнің ережелеріне сәйкес келмесе, сұрау салуды орындаудан бас тартуы мүмкін.",
        "permission", "Сұрау салынатын құзыретті орган", None,
    ),
    (
        "Тараптардың әрқайсысы болжамды шығу күніне дейін кемінде алты ай бұрын өзінің осындай ниеті "
        "туралы депозитарийге жазбаша хабарлама жібере отырып, осы Келісімнен шығуға құқылы.",
        "permission", "Тараптардың әрқайсысы", (6, "month"),
    ),
    (
        "Алынатын ақпарат осы ақпараттың көзі болып табылатын беруші Тараптың жазбаша келісімінсіз "
        "үшінші тарапқа ашылмайды, берілмейді.",
        "prohibition", None, None,
    ),
    (
        "Электрондық хабарламаларда Тараптар мемлекеттерінің ұлттық заңнамаларына сәйкес оларға қол "
        "жеткізу шектелетін ақпарат қамтылмауы қажет.",
        "prohibition", None, None,
    ),
    (
        "Құзыретті органдар тізбесінің өзгергені туралы Тараптардың әрқайсысы бір ай ішінде "
        "депозитарийді жазбаша хабардар етеді.",
        "obligation", "Тараптардың әрқайсысы", (1, "month"),
    ),
    (
        "Сапарлардың, оның ішінде көп мәрте қайталанатын сапарлардың ықтимал жүзеге асырылуы туралы "
        "өтініш болжанып отырған сапар мерзіміне дейін 1 (бір айдан) кешіктірілмей жолданады.",
        "obligation", None, (1, "month"),
    ),
    (
        "Құпия ақпараттың құпиялылық дәрежесін және оның жеткізгішіндегі тиісті құпиялылық белгісін оны "
        "берген Тараптың уәкілетті органының жазбаша келісімінсіз өзгертуге болмайды.",
        "prohibition", None, None,
    ),
    (
        "Тараптар мемлекеттерінің кеден қызметтері ақпараттық өзара іс-қимыл кезінде пайдаланылатын "
        "ақпаратты қорғау құралдарын жарақтандыруды, баптауды, пайдалануды, басқару мен мониторингін "
        "дербес қамтамасыз етеді.",
        "obligation", "Тараптар мемлекеттерінің кеден қызметтері", None,
    ),
    (
        "Тараптардың әрқайсысы екінші Тарапқа дипломатиялық арналар арқылы өзінің Келісімнің қолданысын "
        "тоқтату ниеті туралы жазбаша хабарлама жіберу арқылы осы Келісімнің қолданылуын тоқтата алады.",
        "permission", "Тараптардың әрқайсысы", None,
    ),
    (
        "Депозитарий 30 (отыз) күннен аспайтын мерзімде дипломатиялық арналар арқылы қатысушы "
        "мемлекеттерді осы Келісімнің күшіне енгені туралы хабардар етеді.",
        "obligation", "Депозитарий", (30, "day"),
    ),
    (
        "Әрбір қатысушы мемлекет шығу күніне дейін 3 (үш) айдан кешіктірмей депозитарийге "
        "дипломатиялық арналар арқылы бұл туралы жазбаша хабарлама жібере отырып, осы Келісімнен шыға алады.",
        "permission", "Әрбір қатысушы мемлекет", (3, "month"),
    ),
    (
        "Құпия ақпаратты берген уәкілетті орган оны пайдалануға және жекелеген не барлық уәкілетті "
        "органдарға беруге қосымша шектеулер қоюға және оны өзгертуге құқылы.",
        "permission", "Құпия ақпаратты берген уәкілетті орган", None,
    ),
    (
        "Құпия ақпаратты және (немесе) оның жеткізгіштерін санкциясыз тарату және (немесе) жоғалту "
        "фактісі анықталған жағдайда мүдделі уәкілетті органдар және (немесе) Орталық бір-біріне дереу "
        "хабарлайды, консультациялар жүргізеді.",
        "obligation", "мүдделі уәкілетті органдар және (немесе) Орталық", "immediate",
    ),
    (
        "Егер әрбір нақты жағдайда өзгеше тәртіп келісілмесе, қатысушы мемлекеттер мен Орталық осы "
        "Келісімді орындау барысында туындайтын шығыстарды өздері дербес көтереді.",
        "obligation", "қатысушы мемлекеттер мен Орталық", None,
    ),
    (
        "Ұжымдық қауіпсіздік туралы шарт ұйымының Бас хатшысы Тараптарды Тараптың Келісімнен шығатыны "
        "туралы хабардар етеді.",
        "obligation", "Ұжымдық қауіпсіздік туралы шарт ұйымының Бас хатшысы", None,
    ),
    (
        "Осы Келісімге жеке хаттамалармен ресімделетін өзгерістер мен толықтырулар енгізілуі мүмкін.",
        "permission", None, None,
    ),
]


def _deadline_of(o: Obligation):
    if o.deadline is None:
        return None
    if o.deadline.immediate:
        return "immediate"
    return (o.deadline.value, o.deadline.unit)


@pytest.mark.parametrize(("text", "modality", "actor", "deadline"), REAL, ids=[r[0][:40] for r in REAL])
def test_real_excerpts(text: str, modality: str, actor: str | None, deadline) -> None:
    o = single(text)
    assert o.modality == modality
    assert o.actor == actor
    assert _deadline_of(o) == deadline
    assert o.text == text
    assert o.article == "1"


def test_condition_egher_clause_chained() -> None:
    o = single(REAL[1][0])
    assert o.condition is not None
    assert o.condition.startswith("егер сұрау салу оның мемлекетінің")
    assert o.condition.endswith("ережелеріне сәйкес келмесе")


def test_condition_zhagdaida_clause() -> None:
    o = single(REAL[0][0])
    assert o.condition == (
        "Тараптардың құзыретті органдарының атаулары, функциялары немесе құрылымы өзгерген жағдайда"
    )


def test_in_each_case_is_not_a_condition() -> None:
    o = single(
        "Тараптар құпия ақпаратты беру туралы шешімді әрбір жеке жағдайда Тараптар мемлекеттерінің "
        "заңнамаларына сәйкес қабылдайды."
    )
    assert (o.modality, o.actor, o.condition) == ("obligation", "Тараптар", None)


def test_a_condition_deadline_is_not_the_provision_deadline() -> None:
    o = single(
        "Егер дау Тараптары өтініш жіберген күннен бастап алты ай ішінде дауды реттемесе, онда дау "
        "Тараптарының кез келгені бұл дауды Сотқа қарауға бере алады."
    )
    assert o.modality == "permission"
    assert o.actor == "дау Тараптарының кез келгені"
    assert o.deadline is None
    assert o.condition is not None and "алты ай ішінде" in o.condition


def test_pronoun_subject_is_the_actor_of_its_condition() -> None:
    o = single(
        "Егер бір Тараптың уәкілетті органы құпия ақпаратты екінші Тараптың уәкілетті органына беруге "
        "ниеттенсе, ол өз Тарапының құзыретті органынан жазбаша растауын алдын ала сұратады."
    )
    assert o.modality == "obligation"
    assert o.actor == "бір Тараптың уәкілетті органы"


def test_sentences_of_one_alinea_merge_by_modality() -> None:
    found = one(
        "Осы Келісім белгіленбеген мерзімге жасалады. Тараптардың әрқайсысы кемінде 6 ай бұрын "
        "депозитарийге жазбаша хабарлама жібере отырып, осы Келісімнен шығуға құқылы."
    )
    assert [(o.modality, o.actor, _deadline_of(o)) for o in found] == [
        ("permission", "Тараптардың әрқайсысы", (6, "month"))
    ]
    found = one(
        "Құпия ақпаратты беру дипломатиялық арналар арқылы жүзеге асырылады. Тиісті Тараптың уәкілетті "
        "органы құпия ақпаратты алғанын жазбаша түрде растайды."
    )
    assert [(o.modality, o.actor) for o in found] == [("obligation", "Тиісті Тараптың уәкілетті органы")]


def test_two_modalities_in_one_alinea_give_two_obligations() -> None:
    found = one(
        "Тараптардың әрқайсысы осы Келісімнің қолданылуын тоқтата алады. Тараптар алынған ақпаратты "
        "үшінші тарапқа бермейді."
    )
    assert [(o.modality, o.actor) for o in found] == [
        ("permission", "Тараптардың әрқайсысы"),
        ("prohibition", "Тараптар"),
    ]


# --- other wordings ----------------------------------------------------------------

OTHER = [
    ("Тараптар бұзушылық туралы бір-бірін 15 күн ішінде хабардар етуге міндетті.", "obligation", "Тараптар", (15, "day")),
    ("Тарап осы ақпаратты үшінші тарапқа беруге құқылы емес.", "prohibition", "Тарап", None),
    ("Тараптың құзыретті органы мұндай ақпаратты жариялауға құқығы жоқ.", "prohibition", "Тараптың құзыретті органы", None),
    ("Сұрау салушы Тарап жауапты отыз күн ішінде жіберуге тиіс.", "obligation", "Сұрау салушы Тарап", (30, "day")),
    ("Құзыретті органдар бірлескен жаттығуларды жүзеге асыра алады.", "permission", "Құзыретті органдар", None),
    ("Егер Тарап осы Келісімді бұзса, онда екінші Тарап оның қолданылуын тоқтата алады.", "permission", "екінші Тарап", None),
    ("Уәкілетті орган алынған ақпаратты жария етпейді.", "prohibition", "Уәкілетті орган", None),
    ("Ақпаратты үшінші тарапқа беруге тыйым салынады.", "prohibition", None, None),
    ("Мұндай ақпаратты көшіруге жол берілмейді.", "prohibition", None, None),
    ("Тараптар алынған ақпараттың белгісін өзгертпеуге міндеттенеді.", "prohibition", "Тараптар", None),
    ("Әрбір Тарап екінші Тарапқа алты ай ішінде есеп береді.", "obligation", "Әрбір Тарап", (6, "month")),
    ("Орталық мұндай сұрау салуды мүмкіндігінше қысқа мерзімде қарайды.", "obligation", "Орталық", "asap"),
    ("Тараптар ақпаратты бір-біріне кідіріссіз жолдайды.", "obligation", "Тараптар", "immediate"),
    ("Тараптардың келісімі бойынша сарапшыларды тартуға рұқсат етіледі.", "permission", None, None),
    ("Тараптар құпия ақпаратты қорғау жөнінде қосымша хаттама жасасуға құқығы бар.", "permission", "Тараптар", None),
    ("Депозитарий хабарламаны алған күннен бастап 30 (отыз) күннен кешіктірмей Тараптарға жібереді.", "obligation", "Депозитарий", (30, "day")),
    ("Қатысушы мемлекет шыққанға дейін 6 (алты) ай бұрын депозитарийді хабардар етеді.", "obligation", "Қатысушы мемлекет", (6, "month")),
    ("Хабарламалар екі жыл ішінде сақталады.", "obligation", None, (2, "year")),
    # legacy spellings: Russian twins of Kazakh letters, Latin "i"
    ("Тараптар акпаратпен тікелей алмасады.", "obligation", "Тараптар", None),
    ("Тарап осы Келісімнен шыгуга кукылы.", "permission", "Тарап", None),
    ("Тараптар ақпаратты қорғауға мiндеттенедi.", "obligation", "Тараптар", None),
]


@pytest.mark.parametrize(("text", "modality", "actor", "deadline"), OTHER, ids=[r[0][:40] for r in OTHER])
def test_other_wordings(text: str, modality: str, actor: str | None, deadline) -> None:
    o = single(text)
    assert o.modality == modality
    assert o.actor == actor
    if deadline == "asap":
        assert o.deadline is not None and (o.deadline.value, o.deadline.immediate) == (None, False)
        assert o.deadline.text == "мүмкіндігінше қысқа мерзімде"
    else:
        assert _deadline_of(o) == deadline


def test_if_then_condition() -> None:
    o = single("Егер Тарап осы Келісімді бұзса, онда екінші Тарап оның қолданылуын тоқтата алады.")
    assert o.condition == "Егер Тарап осы Келісімді бұзса"


def test_numbered_limit_wins_over_as_soon_as_possible() -> None:
    o = single(
        "Сұрау салынатын орган мүмкіндігінше қысқа мерзімде, бірақ сұрау салу алынған күннен бастап "
        "30 күннен кешіктірмей жауап береді."
    )
    assert _deadline_of(o) == (30, "day")


# --- what is not an obligation ---------------------------------------------------

NOT_DEONTIC = [
    "Осы Келісім белгіленбеген мерзімге жасалады.",
    "Осы Келісім соңғы жазбаша хабарлама алынған күннен бастап 30 күн өткен соң күшіне енеді.",
    "Орталықтың болатын мемлекеті осы Келісімнің депозитарийі болып табылады.",
    "Осы Келісімнің ережелері Тараптардың басқа халықаралық шарттардан туындайтын құқықтары мен міндеттемелерін қозғамайды.",
    "Осы Келісімдегі ештеңе де Тараптарға басқа Тараптардың құзыретіне кіретін функцияларды жүзеге асыру құқығын бермейді.",
    "Осы Келісімде арнайы айқындалмаған терминдер басқа халықаралық шарттарда белгіленген мәндерде пайдаланылады.",
    "Тараптар құпиялылық дәрежелері мынадай түрде салыстырылады деп белгілейді:",
    "Осы Келісім басқа мемлекеттердің қосылуы үшін ашық.",
    "Ақпаратты қорғау жөніндегі міндеттемелер Тараптың одан шығуына қарамастан күшінде қалады.",
    "Ақпаратты таратуға жол берген адам өз мемлекетінің заңнамасына сәйкес жауапты болады.",
    "Орталық дайындаған жеткізгіштің құпиялылық грифі ең жоғары дәрежеге сәйкес келеді.",
    "Мұндай жағдайда осы Келісімнің қолданылуы хабарламаны алған күннен бастап 6 (алты) ай өткен соң тоқтатылады.",
    "Осы Келісімнің шеңберінде жұмыс тілі орыс тілі болып табылады.",
    "Қажет болған жағдайда, сарапшылар тартылған кезде, нұқсан келтіруі мүмкін мәліметтер",
]


@pytest.mark.parametrize("text", NOT_DEONTIC, ids=[t[:40] for t in NOT_DEONTIC])
def test_not_deontic(text: str) -> None:
    assert one(text) == []


def test_definitions_list_is_not_deontic() -> None:
    treaty = make_treaty([("1", [(None, [
        "Осы Келісімде пайдаланылатын ұғымдар мыналарды білдіреді:",
        ("1", "1) құпия ақпарат – санкцияланбаған таратылуы қауіпсіздікке нұқсан келтіруі мүмкін мәліметтер;"),
        ("2", "2) уәкілетті орган – Тараптар уәкілеттік берген мемлекеттік орган."),
    ])])])
    assert find_obligations(treaty) == ()


def test_regard_as_is_a_declaration() -> None:
    treaty = make_treaty([("3", [(None, [
        "Тараптар ақпараттық қауіпсіздіктің негізгі қатерлері ретінде:",
        (None, "– ыдыратушылық ақпараттық ықпал етуді жүзеге асыруды;"),
        (None, "– құқыққа қайшы қызметті жүзеге асыруды қарастырады."),
    ])])])
    assert find_obligations(treaty) == ()


# --- lists: points inherit -------------------------------------------------------

def test_points_inherit_from_the_verb_closing_the_last_point() -> None:
    treaty = make_treaty([("4", [("1", [
        "1. Тараптар:",
        ("1", "1) ынтымақтастық процесінде басқа Тарап берген құпия ақпаратты қорғауға;"),
        ("2", "2) алынған құпия ақпараттың құпиялылық белгісін оны беруші Тараптың жазбаша келісімінсіз өзгертпеуге;"),
        ("3", "3) алынған құпия ақпаратты көзделген мақсатта пайдалануға;"),
        ("4", "4) үшінші тараптың құпия ақпаратқа қол жеткізуіне рұқсат бермеуге міндеттенеді."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.point, o.modality, o.actor) for o in found] == [  # "Тараптар:" alone is no obligation
        ("1", "obligation", "Тараптар"),
        ("2", "prohibition", "Тараптар"),
        ("3", "obligation", "Тараптар"),
        ("4", "prohibition", "Тараптар"),
    ]
    assert all(o.article == "4" and o.paragraph == "1" for o in found)
    assert found[0].marker == "міндеттенеді"
    assert found[1].marker == "өзгертпеуге … міндеттенеді"
    assert [o.text for o in found] == [p.text for p in treaty.articles[0].paragraphs[0].points]


def test_points_with_verbs_of_their_own_keep_them_and_inherit_the_actor() -> None:
    treaty = make_treaty([("12", [(None, [
        "Құпия ақпаратты қорғау мақсатында Орталық:",
        (None, "– тиісті уәкілетті органдардан құпия ақпаратқа рұқсатты растауды сұратады;"),
        (None, "– Орталық персоналының сенімділігін тексереді;"),
        (None, "– құпия ақпаратты үшінші тарапқа уәкілетті органның жазбаша келісімінсіз бермейді;"),
        (None, "– өз құзыреті шегінде басқа да шараларды қабылдайды."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.modality, o.actor) for o in found] == [
        ("obligation", "Орталық"),
        ("obligation", "Орталық"),
        ("obligation", "Орталық"),
        ("prohibition", "Орталық"),
        ("obligation", "Орталық"),
    ]
    assert found[3].marker == "бермейді"


def test_points_inherit_the_deadline_of_the_introducing_sentence() -> None:
    treaty = make_treaty([("8", [("2", [
        "2. Сұрау салынатын құзыретті орган сұрау салушы құзыретті органды сұрау салу алынған күннен "
        "бастап 30 күннен кешіктірмей:",
        ("а", "а) сұрау салу бойынша қолданылған іс-қимылдар туралы;"),
        ("б", "б) бас тарту себептері туралы ақпараттандырады."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.point, o.modality, o.actor, _deadline_of(o)) for o in found] == [
        (None, "obligation", "Сұрау салынатын құзыретті орган", (30, "day")),
        ("а", "obligation", "Сұрау салынатын құзыретті орган", (30, "day")),
        ("б", "obligation", "Сұрау салынатын құзыретті орган", (30, "day")),
    ]


def test_the_introducing_predicate_governs_points_without_verbs() -> None:
    treaty = make_treaty([("9", [("2", [
        "Болжанып отырған сапар туралы өтініш мынадай мәліметтерді қамтуға тиіс:",
        ("1", "1) уәкілетті орган өкілінің тегі мен есімі;"),
        ("2", "2) сапардың мақсаты."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.point, o.modality, o.marker) for o in found] == [  # the lead-in only points to them
        ("1", "obligation", "қамтуға тиіс"),
        ("2", "obligation", "қамтуға тиіс"),
    ]


@pytest.mark.parametrize(
    ("lead_in", "kept"),
    [
        ("Тараптар:", False),  # the subject alone
        ("Өтініште мыналар көрсетілуге тиіс:", False),  # a word pointing to the list
        ("Тараптар төмендегілерді жүзеге асыруға міндеттенеді:", False),
        ("Тараптар бір айдан кешіктірмей:", True),  # a deadline of its own: the sentence's head
        ("Тараптар бір-бірін хабардар етуге міндеттенеді:", True),  # its own obligation
    ],
)
def test_a_lists_lead_in_is_an_obligation_only_with_content_of_its_own(lead_in: str, kept: bool) -> None:
    treaty = make_treaty([("3", [(None, [
        lead_in,
        ("а", "а) мерзімдер туралы;"),
        ("б", "б) шаралар туралы хабарлайды."),
    ])])])
    found = find_obligations(treaty)
    assert [o.point for o in found] == ([None] if kept else []) + ["а", "б"]


def test_a_passive_list_names_no_actor() -> None:
    treaty = make_treaty([("4", [(None, [
        "Уәкілетті органдар мен Орталық арасында құпия ақпарат алмасу:",
        (None, "– біржолғы сұрау салулар бойынша;"),
        (None, "– бастамашылық хабарлау тәртібімен жүзеге асырылуы мүмкін."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.modality, o.actor) for o in found] == [("permission", None)] * 3


# --- no key on a file, a hash or a title -----------------------------------------

def test_nothing_depends_on_file_name_hash_or_title() -> None:
    articles = [("5", [(None, [REAL[5][0], REAL[3][0]])]), ("6", [(None, [REAL[2][0]])])]
    a = find_obligations(make_treaty(articles))
    b = find_obligations(make_treaty(
        articles,
        id="004-whatever",
        sha256="5054a54cf056cf79" * 4,
        source="corpus/004_5054a54cf056cf79.txt",
        title="Қазақстан Республикасының Үкіметі мен Түрікменстан Үкіметі арасындағы келісім",
    ))
    assert a == b and len(a) == 3


def test_the_source_reads_no_file_hash_or_title() -> None:
    source = Path(obligations_module.__file__).read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\.(?:sha256|source|title|id)\b", code)
    assert not re.search(r"\d{3}_[0-9a-f]{6,}", code)
    assert not re.search(r"\b[0-9a-f]{16,}\b", code)


# --- deadlines ---------------------------------------------------------------------

DEADLINES = [
    ("30 күннен кешіктірмей", (30, "day")),
    ("1 (бір айдан) кешіктірілмей", (1, "month")),
    ("алты ай ішінде", (6, "month")),
    ("бір ай ішінде", (1, "month")),
    ("кемінде 6 (алты) ай бұрын", (6, "month")),
    ("отыз күн ішінде", (30, "day")),
    ("30 (отыз) күннен аспайтын мерзімде", (30, "day")),
    ("3 (үш) айдан кешіктірмей", (3, "month")),
    ("жиырма бес күн ішінде", (25, "day")),
    ("үш айлық мерзімде", (3, "month")),
    ("дереу", "immediate"),
    ("30 күн өткен соң күшіне енеді", None),
    ("2017 жылғы 18 сәуірде", None),
    ("алған күннен бастап", None),
]


@pytest.mark.parametrize(("text", "want"), DEADLINES, ids=[d[0] for d in DEADLINES])
def test_deadlines(text: str, want) -> None:
    d = find_deadline(text)
    if want is None:
        assert d is None
    elif want == "immediate":
        assert d is not None and d.immediate and d.value is None and d.unit is None
    else:
        assert d is not None and (d.value, d.unit) == want and not d.immediate


def test_digits_win_over_words() -> None:
    d = find_deadline("30 (отыз бес) күннен кешіктірмей")
    assert d is not None and d.value == 30


# --- the real corpus (the ``seeds`` fixture: prefix "000" … "004" → treaty as parsed) ---


def test_corpus_invariants(seeds: dict[str, Treaty]) -> None:
    assert len(seeds) == 5
    for treaty in seeds.values():
        found = treaty.obligations or find_obligations(treaty)
        assert found, treaty.source
        articles = {a.num: a for a in treaty.articles}
        for o in found:
            assert o.span is not None and treaty.text[o.span.start : o.span.end] == o.text
            article = articles[o.article]
            assert article.span.start <= o.span.start and o.span.end <= article.span.end
            assert o.modality in ("obligation", "permission", "prohibition")
            assert o.marker
            if o.actor is not None:
                assert o.actor in o.text or o.point is not None or o.condition is not None or o.actor in article.text
        # one obligation per provision and modality
        keys = [(o.span, o.modality) for o in found]
        assert len(keys) == len(set(keys))


def test_corpus_reads_like_a_lawyer_would(seeds: dict[str, Treaty]) -> None:
    tm = find_obligations(seeds["004"])
    art4 = [o for o in tm if o.article == "4" and o.paragraph == "1"]
    assert [(o.point, o.modality) for o in art4] == [  # "1. Тараптар:" is no obligation of its own
        ("1", "obligation"), ("2", "prohibition"), ("3", "obligation"),
        ("4", "obligation"), ("5", "prohibition"),
    ]
    assert {o.actor for o in art4} == {"Тараптар"}
    # entry into force, identity and savings clauses are not duties
    assert not [o for o in tm if o.article in ("1", "2", "12")]
    assert not [o for o in tm if o.article == "15" and o.paragraph == "1"]


# --- hypothesis: never raises ------------------------------------------------------

WORDS = st.sampled_from(
    "Тараптар Тарап органы орган Орталық егер болса жағдайда ақпаратты беруге міндетті тиіс қажет "
    "құқылы емес мүмкін алады асыра жүзеге асырады бермейді болмайды 30 (отыз) күннен кешіктірмей "
    "ай ішінде дереу : ; , . – 1) а) ( ) мен және немесе ол осы Келісім ұғымдар деп ретінде".split()
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(WORDS, max_size=40).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.booleans(), TEXT), max_size=6))
def test_arbitrary_text_never_raises(items: list[tuple[bool, str]]) -> None:
    built: list[Item] = [(str(n + 1), text) if is_point else text for n, (is_point, text) in enumerate(items)]
    treaty = make_treaty([("1", [("1", built)])])
    found = find_obligations(treaty)
    for o in found:
        assert o.modality in ("obligation", "permission", "prohibition")
        assert o.span is not None and treaty.text[o.span.start : o.span.end] == o.text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_find_deadline_never_raises(text: str) -> None:
    d = find_deadline(text)
    if d is not None:
        assert d.immediate or d.value is None or d.value >= 0


def test_an_introducing_undertaking_not_to_governs_its_points() -> None:
    treaty = make_treaty([("5", [(None, [
        "Тараптар мыналарды жасамауға міндеттенеді:",
        ("1", "1) ақпаратты үшінші тарапқа беруді;"),
        ("2", "2) құпиялылық белгісін өзгертуді."),
    ])])])
    found = find_obligations(treaty)
    assert [(o.point, o.modality, o.actor) for o in found] == [
        ("1", "prohibition", "Тараптар"),  # the lead-in points to them ("мыналарды")
        ("2", "prohibition", "Тараптар"),
    ]


# --- actors the subject position does not name -----------------------------------

@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        # a passive of assignment lays the task on its dative, read in the nominative
        ("Құпия ақпаратты қорғауды бақылау Келісім шеңберінде Тараптардың құзыретті органдарына жүктеледі.",
         "Тараптардың құзыретті органдары"),
        ("Тізілімді жүргізу Орталыққа тапсырылады.", "Орталық"),
        ("Ақпарат алмасу құзыретті органдар арқылы жүзеге асырылады.", None),  # other passives: no actor
        # a reflexive subject refers to the clause's first participant, the head of its genitive chain
        ("Тараптардың уәкілетті органдарының өзара іс-қимылын шартқа сәйкес өздері тікелей жүзеге асырады.",
         "Тараптардың уәкілетті органдары"),
        # "өзі басқаратын" is the subject of a relative clause, not of the sentence
        ("Жүргізушілерінің өзі басқаратын көлік құралының тіркеу куәлігі болуы тиіс.", None),
    ],
)
def test_actors_named_outside_the_subject_position(sentence: str, actor: str | None) -> None:
    assert single(sentence).actor == actor


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("екінші Тарапқа 30 (отыз) күнтізбелік күн ішінде хабарлануға тиіс", 30, "day"),  # calendar days
        ("екінші Тарапқа 30 (отыз) күн ішінде хабарлануға тиіс", 30, "day"),
    ],
)
def test_calendar_days_are_days(text: str, value: int, unit: str) -> None:
    deadline = find_deadline(text)
    assert deadline is not None and (deadline.value, deadline.unit) == (value, unit)


@pytest.mark.parametrize(
    ("term", "definition", "sentence", "actor"),
    [
        # an agent noun the treaty defines is a person who acts
        ("Жүк жөнелтуші", "жүкті тасымалдауға тапсыратын кәсіпорын",
         "Жүк жөнелтуші жүкке ілеспе құжаттарды ресімдеуге міндетті.", "Жүк жөнелтуші"),
        # a term defined as a person ("… жеке немесе заңды тұлға") acts too, in the plural
        ("Салымшы", "Тарап мемлекетінің аумағында салым салатын кез келген жеке немесе заңды тұлға",
         "Салымшылар салық төлеуге тиіс.", "Салымшылар"),
        # … or as a person in the accusative of "білдіреді"
        ("Салымшы", "Тарап мемлекетінің аумағында салым салатын жеке немесе заңды тұлғаны білдіреді",
         "Салымшы салық төлеуге тиіс.", "Салымшы"),
        # a defined thing does not, though a person is named inside its definition
        ("Жүк", "тасымалданатын кез келген мүлік",
         "Жүк тиісінше сақталуға тиіс.", None),
        ("Құпия ақпарат", "мемлекет қорғайтын кез келген мәліметтер",
         "Құпия ақпарат тиісінше сақталуға тиіс.", None),
    ],
)
def test_a_person_the_treaty_defines_is_an_actor(term: str, definition: str, sentence: str, actor: str | None) -> None:
    import msgspec

    from ingest.model import Definition

    treaty = make_treaty([("1", [(None, [sentence])])])
    treaty = msgspec.structs.replace(treaty, definitions=(Definition(term=term, definition=definition, article="2"),))
    (found,) = find_obligations(treaty)
    assert found.actor == actor
    assert find_obligations(msgspec.structs.replace(treaty, definitions=()))[0].actor is None  # the list alone has neither
