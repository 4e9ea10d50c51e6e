"""The vocabulary of treaty drafting in Kazakh, Russian and English, by clause type.

General knowledge of how international agreements are written, not of any text in the
corpus: the words a drafter uses for a withdrawal ("шығу", "денонсация", "выход",
"denunciation"), a depositary, a request for legal assistance ("сұрау салу", "өтініш",
"тапсырма": the three Kazakh names of one act, as "запрос", "просьба", "поручение" are
in Russian), costs ("шығыстар", "шығындар"). Each row is one idea: the clause type it
belongs to (an id of ``docs/clause-types.md``), then its Kazakh, Russian and English
terms, synonyms separated by " | ".

Two readers:

- the clause-type classifier (``ingest.extract.train_clause_model.descriptions``) learns
  each type from its row of the clause-type table *and* from these words, so a type seen
  in one subject only (requests in a treaty on sentenced persons) is also known in the
  words another subject uses for it;
- search (``kb.expansion``) reaches Kazakh articles from Russian and English questions
  through the Russian and English terms, as it does through the concept glossary
  (``ingest.extract.glossary``: the terms treaties *define*; this table: the words they
  are *written in*).

Rows are printed terms, not lemma keys: readers lemmatise them with the same analyser
as the texts. It is a Python module so that it ships with the package.
"""

from __future__ import annotations

from collections.abc import Iterator

ROWS: tuple[tuple[str, str, str, str], ...] = (
    # purpose and subject
    ("purpose", "мақсат | мақсаттары | міндеттер", "цель | цели | задачи", "purpose | objective | aims"),
    ("purpose", "нысана | реттеу нысанасы | мәні", "предмет | предмет регулирования", "subject | subject matter"),
    # definitions
    ("definitions", "ұғымдар | терминдер | анықтамалар", "термины | понятия | определения", "definitions | terms"),
    ("definitions", "мынаны білдіреді | дегеніміз | деп түсініледі | мағынада пайдаланылады",
     "означает | понимается | используются в значении", "means | shall mean | is understood"),
    # principles
    ("principles", "қағидаттар | негізгі қағидаттар", "принципы | основные принципы", "principles"),
    ("principles", "егемендік | теңдік | өзара тиімділік | ішкі істерге араласпау | адам құқықтары",
     "суверенитет | равенство | взаимная выгода | невмешательство во внутренние дела | права человека",
     "sovereignty | equality | mutual benefit | non-interference in internal affairs | human rights"),
    # scope
    ("scope", "қолданылу аясы | қолданылу саласы | қолданылады | қолданылмайды",
     "сфера применения | область применения | применяется | не применяется", "scope | application | applies | does not apply"),
    ("scope", "ерекшеліктер | алып тастау | шектеу | артықшылықтардан бас тарту | реттелмеген мәселелер",
     "исключения | изъятия | ограничения | отказ от преимуществ | неурегулированные вопросы",
     "exceptions | exclusions | limitations | denial of benefits | matters not regulated"),
    ("scope", "ешбір ережесі | қолданылмайды | қозғамайды | ұлттық қауіпсіздік | қоғамдық тәртіп",
     "ни одно положение | не применяется | не затрагивает | национальная безопасность | общественный порядок",
     "nothing in this agreement | does not apply | shall not affect | national security | public order"),
    # cooperation
    ("cooperation", "ынтымақтастық | өзара іс-қимыл | өзара көмек | жәрдемдесу", "сотрудничество | взаимодействие | взаимная помощь | содействие",
     "cooperation | interaction | mutual assistance | assistance"),
    ("cooperation", "ынтымақтастық нысандары | тәжірибе алмасу | бірлескен іс-шаралар | кадрлар даярлау | консультациялар",
     "формы сотрудничества | обмен опытом | совместные мероприятия | подготовка кадров | консультации",
     "forms of cooperation | exchange of experience | joint activities | training | consultations"),
    # the substantive undertakings of treaties on other subjects are cooperation, by the
    # labelling conventions of docs/clause-types.md (transport, taxes, investment
    # protection, transfer of prisoners, legal assistance, customs procedures)
    ("cooperation", "құқықтық көмек | құқықтық көмек көрсету | тану және орындау | сот шешімдері | ұстап беру | сотталған адамдарды беру",
     "правовая помощь | оказание правовой помощи | признание и исполнение | судебные решения | выдача | передача осуждённых",
     "legal assistance | rendering legal assistance | recognition and enforcement | court decisions | extradition | transfer of sentenced persons"),
    ("cooperation", "инвестицияларды қорғау | ұлттық режим | неғұрлым қолайлы режим | экспроприация",
     "защита инвестиций | национальный режим | режим наибольшего благоприятствования | экспроприация",
     "protection of investments | national treatment | most-favoured-nation treatment | expropriation"),
    ("cooperation", "тасымалдау | жүк тасымалы | рұқсаттар | кедендік рәсімдер | салық салу",
     "перевозки | перевозка грузов | разрешения | таможенные процедуры | налогообложение",
     "transport | carriage of goods | permits | customs procedures | taxation"),
    # competent authorities
    ("competent_authorities", "құзыретті органдар | уәкілетті органдар | орталық органдар | компетентті мекемелер",
     "компетентные органы | уполномоченные органы | центральные органы | компетентные учреждения",
     "competent authorities | authorised bodies | central authorities | competent institutions"),
    ("competent_authorities", "бірлескен комиссия | жұмыс тобы | байланыс | дипломатиялық арналар",
     "совместная комиссия | рабочая группа | связь | дипломатические каналы",
     "joint commission | working group | communication | diplomatic channels"),
    # institutional provisions, by the same conventions
    ("competent_authorities", "органдар | судьялар | лауазымды адамдар | орналасқан жері | құқық субъектілігі | артықшылықтар мен иммунитеттер",
     "органы | судьи | должностные лица | местопребывание | правосубъектность | привилегии и иммунитеты",
     "organs | judges | officials | seat | legal personality | privileges and immunities"),
    # classification levels
    ("classification_levels", "құпиялылық дәрежелері | құпиялылық грифтері | салыстыру | сәйкестік",
     "степени секретности | грифы секретности | сопоставимость | соответствие",
     "classification levels | security classifications | equivalence | correspondence"),
    # protection of information
    ("information_protection", "ақпаратты қорғау | қорғау шаралары | қауіпсіздік | қол жеткізу | рұқсат беру",
     "защита информации | меры защиты | безопасность | доступ | допуск", "protection of information | protective measures | security | access | clearance"),
    ("information_protection", "құпиялылық | үшінші тарапқа бермеу | жария етпеу", "конфиденциальность | непередача третьей стороне | неразглашение",
     "confidentiality | no transfer to third parties | non-disclosure"),
    # exchange of information
    ("information_exchange", "ақпарат алмасу | ақпарат беру | хабарлау | хабардар ету | мәліметтер",
     "обмен информацией | передача информации | уведомление | информирование | сведения",
     "exchange of information | transfer of information | notification | informing | data"),
    ("information_exchange", "құжаттар жіберу | құжаттарды табыс ету",
     "направление документов | вручение документов", "transmission of documents | service of documents"),
    # requests
    ("requests", "сұрау салу | сұрау | өтініш | өтінішхат | тапсырма", "запрос | просьба | ходатайство | поручение", "request | application | letter of request"),
    ("requests", "сұрау салушы тарап | сұрау салынатын тарап | сұрау салудың нысаны | сұрау салудың мазмұны",
     "запрашивающая сторона | запрашиваемая сторона | форма запроса | содержание запроса",
     "requesting party | requested party | form of request | content of request"),
    ("requests", "сұрау салуды орындау | орындаудан бас тарту | орындау нәтижелері | ресімдеу",
     "исполнение запроса | отказ в исполнении | результаты исполнения | оформление",
     "execution of a request | refusal to execute | results of execution | formalities"),
    # information systems
    ("information_systems", "ақпараттық жүйелер | деректер банкі | ақпараттық ресурстар | ақпараттық-телекоммуникациялық желілер",
     "информационные системы | банк данных | информационные ресурсы | информационно-телекоммуникационные сети",
     "information systems | data bank | information resources | telecommunication networks"),
    # visits
    ("visits", "сапарлар | сапар | келу | болу", "визиты | посещения | пребывание", "visits | stay"),
    # contracts
    ("contracts", "шарттар | келісімшарттар | мердігерлер", "контракты | подрядчики", "contracts | contractors"),
    # breach, liability and damages
    ("breach", "бұзушылық | бұзу | залал | зиян | жауапкершілік | өтемақы",
     "нарушение | ущерб | вред | ответственность | компенсация", "breach | violation | damage | harm | liability | compensation"),
    # expenses
    ("expenses", "шығыстар | шығындар | ақы төлеу | төлеу | тегін | өз есебінен | қаржыландыру",
     "расходы | издержки | оплата | бесплатно | за свой счёт | финансирование",
     "expenses | costs | payment | free of charge | at its own expense | funding"),
    ("expenses", "сот шығындары | шығындарды көтереді | шығындарды өтеу", "судебные расходы | несут расходы | возмещение расходов",
     "court costs | bear the costs | reimbursement of costs"),
    # relation to other treaties
    ("relation_to_other_treaties", "басқа халықаралық шарттар | құқықтар мен міндеттемелерді қозғамайды | шектемейді",
     "другие международные договоры | не затрагивает права и обязательства | не ограничивает",
     "other international treaties | does not affect rights and obligations | does not limit"),
    # settlement of disputes
    ("dispute_resolution", "дауларды шешу | дауларды реттеу | келіспеушіліктер | даулы мәселелер",
     "разрешение споров | урегулирование споров | разногласия | спорные вопросы",
     "settlement of disputes | dispute resolution | disagreements | disputes"),
    ("dispute_resolution", "келіссөздер | консультациялар | төрелік сот | арбитраж | халықаралық сот",
     "переговоры | консультации | третейский суд | арбитраж | международный суд",
     "negotiations | consultations | arbitral tribunal | arbitration | international court"),
    # amendments
    ("amendments", "өзгерістер мен толықтырулар | өзгерістер енгізу | хаттамалар | түзетулер",
     "изменения и дополнения | внесение изменений | протоколы | поправки", "amendments | changes and additions | protocols | modification"),
    # entry into force
    ("entry_into_force", "күшіне енеді | күшіне ену | мемлекетішілік рәсімдер | соңғы жазбаша хабарлама",
     "вступает в силу | вступление в силу | внутригосударственные процедуры | последнее письменное уведомление",
     "enters into force | entry into force | internal procedures | last written notification"),
    ("entry_into_force", "ратификация | бекіту | уақытша қолдану", "ратификация | утверждение | временное применение",
     "ratification | approval | provisional application"),
    # duration
    ("duration", "қолданылу мерзімі | белгіленбеген мерзім | мерзімсіз | ұзартылады | кейінгі кезеңдер",
     "срок действия | неопределённый срок | бессрочно | продлевается | последующие периоды",
     "duration | term | indefinite period | extended | successive periods"),
    # withdrawal and termination
    ("withdrawal", "шығу | қолданылуын тоқтату | тоқтату | денонсациялау | жазбаша хабарлама",
     "выход | прекращение действия | прекращение | денонсация | письменное уведомление",
     "withdrawal | termination | denunciation | written notice"),
    ("withdrawal", "тоқтатылғаннан кейін | міндеттемелер сақталады | қолданылуын тоқтата тұру",
     "после прекращения | обязательства сохраняются | приостановление действия",
     "after termination | obligations survive | suspension"),
    # accession
    ("accession", "қосылу | қосылу үшін ашық | қосылу туралы құжат", "присоединение | открыт для присоединения | документ о присоединении",
     "accession | open for accession | instrument of accession"),
    # depositary
    ("depositary", "депозитарий | куәландырылған көшірме | сақтауға тапсыру", "депозитарий | заверенная копия | сдача на хранение",
     "depositary | certified copy | deposit"),
    # languages
    ("language", "тілдер | тіл | мемлекеттік тіл | орыс тілі | ағылшын тілі | жұмыс тілі",
     "языки | язык | государственный язык | русский язык | английский язык | рабочий язык",
     "languages | language | state language | Russian | English | working language"),
    ("language", "бірдей күші бар | түпнұсқа мәтіндер | алшақтықтар | түсіндіру | аударма",
     "имеют одинаковую силу | аутентичные тексты | разночтения | толкование | перевод",
     "equally authentic | authentic texts | discrepancies | interpretation | translation"),
)


def terms(cell: str) -> tuple[str, ...]:
    """The synonyms of one cell."""
    return tuple(t.strip() for t in cell.split("|") if t.strip())


def by_type() -> dict[str, tuple[str, ...]]:
    """Clause type → its Kazakh terms, in table order."""
    out: dict[str, list[str]] = {}
    for type_id, kazakh, _ru, _en in ROWS:
        out.setdefault(type_id, []).extend(terms(kazakh))
    return {t: tuple(v) for t, v in out.items()}


def foreign_terms() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(language, Russian or English term, the row's Kazakh terms) for every row."""
    for _type, kazakh, russian, english in ROWS:
        for language, cell in (("ru", russian), ("en", english)):
            for term in terms(cell):
                yield language, term, terms(kazakh)
