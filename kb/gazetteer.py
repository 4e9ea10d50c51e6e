"""States and international organisations by their Kazakh, Russian and English names.

General data, like a dictionary: the names a lawyer uses for a treaty's other party in
any of the three languages ("Моңғолия", "Монголия", "Mongolia", and the adjectives
"монгольский", "Mongolian"; "ТМД", "СНГ", "CIS"). ``kb.aliases`` gives a treaty every
name of a row whose Kazakh name its title, parties or preamble print, so a Russian or
English question that names the partner finds the treaty. Nothing here is about a text
of the corpus: a row is a state or an organisation, its names as dictionaries give them.

Each row: names separated by " | ", Kazakh first (the forms treaties print, and their
initials), then Russian, then English, adjectives last. Names are matched at the start
of a word ("узбек" → "узбекский", "Узбекистаном"), so a stem stands for its
inflections; a name shorter than five letters matches a whole word only.
"""

from __future__ import annotations

ROWS: tuple[str, ...] = (
    # international organisations
    "тмд | тәуелсіз мемлекеттер достастығы | снг | содружество независимых государств | cis | commonwealth of independent states",
    "ұқшұ | ұжымдық қауіпсіздік туралы шарт ұйымы | одкб | организация договора о коллективной безопасности | csto | collective security treaty organization",
    "еуразэқ | еуразиялық экономикалық қоғамдастық | евразэс | евразийское экономическое сообщество | eurasec | eurasian economic community",
    "еаэо | еуразиялық экономикалық одақ | еаэс | евразийский экономический союз | eaeu | eurasian economic union",
    "шыұ | шанхай ынтымақтастық ұйымы | шос | шанхайская организация сотрудничества | sco | shanghai cooperation organisation | shanghai cooperation organization",
    "оаөаүо | орталық азия өңірлік ақпараттық үйлестіру орталығы | царикц | центрально-азиатский региональный информационный координационный центр | caricc | central asian regional information and coordination centre",
    "бұұ | біріккен ұлттар ұйымы | оон | организация объединенных наций | un | united nations",
    "ехқб | еуропалық қайта құру және даму банкі | ебрр | европейский банк реконструкции и развития | ebrd | european bank for reconstruction and development",
    "халықаралық қайта құру және даму банкі | дүниежүзілік банк | мбрр | международный банк реконструкции и развития | всемирный банк | ibrd | international bank for reconstruction and development | world bank",
    "азия даму банкі | адб | азиатский банк развития | adb | asian development bank",
    "халықаралық валюта қоры | хвқ | мвф | международный валютный фонд | imf | international monetary fund",
    "еқыұ | еуропадағы қауіпсіздік және ынтымақтастық ұйымы | обсе | организация по безопасности и сотрудничеству в европе | osce | organization for security and co-operation in europe",
    "еуропалық одақ | ео | евросоюз | европейский союз | eu | european union",
    "дсұ | дүниежүзілік сауда ұйымы | вто | всемирная торговая организация | wto | world trade organization",
    "азиядағы өзара іс-қимыл және сенім шаралары жөніндегі кеңес | аөсшк | свмда | совещание по взаимодействию и мерам доверия в азии | cica",
    "ислам ынтымақтастығы ұйымы | иыұ | оис | организация исламского сотрудничества | oic | organisation of islamic cooperation",
    "түркі мемлекеттері ұйымы | түркі кеңесі | организация тюркских государств | тюркский совет | organization of turkic states | turkic council",
    "интерпол | халықаралық қылмыстық полиция ұйымы | интерпол | interpol",
    "магатэ | атом энергиясы жөніндегі халықаралық агенттік | мағатэ | международное агентство по атомной энергии | iaea | international atomic energy agency",
    # states: Central Asia and the neighbours
    "қазақстан | казахстан | kazakhstan | қазақ | казахский | kazakh",
    "қырғыз | қырғызстан | кыргызстан | киргизия | кыргызская республика | кыргыз | киргиз | kyrgyzstan | kyrgyz republic | kyrgyz",
    "өзбекстан | өзбек | узбекистан | узбек | uzbekistan | uzbek",
    "тәжікстан | тәжік | таджикистан | таджик | tajikistan | tajik",
    "түрікменстан | түркіменстан | түрікмен | туркменистан | туркмен | turkmenistan | turkmen",
    "ресей | ресей федерациясы | россия | российская федерация | российский | russia | russian federation | russian",
    "қытай | қытай халық республикасы | қхр | китай | китайская народная республика | кнр | китайский | china | people's republic of china | prc | chinese",
    "моңғолия | монғолия | моңғол | монголия | монгольский | mongolia | mongolian",
    "әзербайжан | азербайджан | азербайджанский | azerbaijan | azerbaijani",
    "армения | армения | армянский | armenia | armenian",
    "беларусь | белоруссия | беларусь | белорусский | belarus | belarusian",
    "грузия | грузия | грузинский | georgia | georgian",
    "молдова | молдова | молдавия | молдавский | moldova | moldovan",
    "украина | украина | украинский | ukraine | ukrainian",
    "ауғанстан | афганистан | афганский | afghanistan | afghan",
    "иран | иран ислам республикасы | иран | исламская республика иран | иранский | iran | islamic republic of iran | iranian",
    "пәкістан | пакистан | пакистанский | pakistan | pakistani",
    "үндістан | индия | индийский | india | indian",
    "түркия | түрік | турция | турецкий | turkey | türkiye | turkish",
    # states: further partners
    "иордания | иордан | иордан хашимит корольдігі | иордания | иорданское хашимитское королевство | иорданский | jordan | hashemite kingdom of jordan | jordanian",
    "біріккен араб әмірліктері | баә | объединенные арабские эмираты | оаэ | united arab emirates | uae | emirati",
    "сауд арабиясы | саудовская аравия | саудовский | saudi arabia | saudi",
    "катар | қатар мемлекеті | катар | qatar | qatari",
    "кувейт | кувейт | kuwait | kuwaiti",
    "египет | мысыр | египет | египетский | egypt | egyptian",
    "израиль | израиль | израильский | israel | israeli",
    "корея республикасы | оңтүстік корея | республика корея | южная корея | корейский | republic of korea | south korea | korean",
    "жапония | япония | японский | japan | japanese",
    "вьетнам | вьетнам | вьетнамский | viet nam | vietnam | vietnamese",
    "малайзия | малайзия | малайзийский | malaysia | malaysian",
    "сингапур | сингапур | сингапурский | singapore | singaporean",
    "индонезия | индонезия | индонезийский | indonesia | indonesian",
    "германия | германия федеративтік республикасы | германия | федеративная республика германия | немецкий | germany | federal republic of germany | german",
    "франция | франция | французский | france | french",
    "италия | италия | итальянский | italy | italian",
    "испания | испания | испанский | spain | spanish",
    "ұлыбритания | біріккен корольдік | великобритания | соединенное королевство | британский | united kingdom | great britain | british",
    "нидерланды | нидерланд | нидерланды | голландия | нидерландский | netherlands | dutch",
    "бельгия | бельгия | бельгийский | belgium | belgian",
    "австрия | австрия | австрийский | austria | austrian",
    "швейцария | швейцария | швейцарский | switzerland | swiss",
    "польша | польша | польский | poland | polish",
    "чехия | чехия | чешский | czech republic | czechia | czech",
    "венгрия | венгрия | венгерский | hungary | hungarian",
    "румыния | румыния | румынский | romania | romanian",
    "болгария | болгария | болгарский | bulgaria | bulgarian",
    "сербия | сербия | сербский | serbia | serbian",
    "латвия | латвия | латвийский | latvia | latvian",
    "литва | литва | литовский | lithuania | lithuanian",
    "эстония | эстония | эстонский | estonia | estonian",
    "финляндия | финляндия | финский | finland | finnish",
    "швеция | швеция | шведский | sweden | swedish",
    "норвегия | норвегия | норвежский | norway | norwegian",
    "америка құрама штаттары | ақш | соединенные штаты америки | сша | американский | united states of america | united states | usa | american",
    "канада | канада | канадский | canada | canadian",
    "бразилия | бразилия | бразильский | brazil | brazilian",
    "аргентина | аргентина | аргентинский | argentina | argentine",
    "мексика | мексика | мексиканский | mexico | mexican",
    "куба | куба | кубинский | cuba | cuban",
    "оңтүстік африка республикасы | оар | южно-африканская республика | юар | south africa | south african",
)


def names(row: str) -> tuple[str, ...]:
    """A row's names, lower case, each once, in order."""
    return tuple(dict.fromkeys(n.strip().lower() for n in row.split("|") if n.strip()))
