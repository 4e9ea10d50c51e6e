"""The concept glossary: Kazakh treaty terms with their Russian and English names.

A small domain table, written for this project, of the ideas Kazakh agreements
define (classified information and its protection, information security, the
bodies that carry an agreement out) and of terms common to treaties in general.
Each row is one concept: its English-style id, the Kazakh terms that name it
(synonyms first-listed-wins: the first is the concept's Kazakh label), and the
Russian and English terms the Russian originals and English translations use.

The rows are written as printed terms, not as lemma keys: ``concepts`` keys every
synonym with the same lemmatiser that keys a treaty's terms, so a row matches any
inflection or number of its words ("уәкілетті органдар" and "уәкілетті орган") and
the table never drifts from the analyser. It is a Python module, not a data file,
so that it ships with the package whatever the install.

Rows are a plain tuple of ``(id, kk synonyms, ru, en)``; synonyms are separated by
" | ". Nothing here names a file or a treaty.
"""

from __future__ import annotations

ROWS: tuple[tuple[str, str, str, str], ...] = (
    # classified information and its protection
    ("classified-information", "құпия ақпарат", "секретная информация", "classified information"),
    ("protection-of-classified-information", "құпия ақпаратты қорғау", "защита секретной информации", "protection of classified information"),
    ("access-to-classified-information", "құпия ақпаратқа қол жеткізу", "доступ к секретной информации", "access to classified information"),
    ("security-clearance", "құпия ақпаратқа рұқсат беру | құпия ақпаратқа рұқсат", "допуск к секретной информации", "security clearance"),
    ("classified-information-carriers", "құпия ақпаратты жеткізгіштер | құпия ақпарат жеткізгіштері | құпия ақпарат тасығыштары", "носители секретной информации", "carriers of classified information"),
    ("classification-marking", "құпиялылық грифі | құпиялылық белгісі | құпиялылық таңбасы", "гриф секретности", "classification marking"),
    ("classification-level", "құпиялылық дәрежесі", "степень секретности", "classification level"),
    ("classified-information-resources", "құпия ақпараттық ресурстар", "секретные информационные ресурсы", "classified information resources"),
    ("unauthorised-dissemination-of-classified-information", "құпия ақпаратты санкциясыз тарату | құпия ақпаратты санкцияланбаған тарату | құпия ақпаратты рұқсатсыз тарату", "несанкционированное распространение секретной информации", "unauthorised dissemination of classified information"),
    ("loss-of-classified-information", "құпия ақпаратты жоғалту", "утрата секретной информации", "loss of classified information"),
    ("user-of-classified-information", "құпия ақпаратты пайдаланушы", "пользователь секретной информации", "user of classified information"),
    ("declassification", "құпия ақпаратты құпиясыздандыру | құпиясыздандыру", "рассекречивание секретной информации", "declassification of classified information"),
    ("breach-of-security-requirements", "құпия ақпаратты қорғау жөніндегі талаптарды бұзу", "нарушение требований по защите секретной информации", "breach of security requirements"),
    ("state-secrets", "мемлекеттік құпиялар | мемлекеттік құпия", "государственные секреты", "state secrets"),
    ("originating-party", "беруші Тарап | жіберуші Тарап", "передающая Сторона", "originating Party"),
    ("receiving-party", "алушы Тарап | қабылдаушы Тарап", "принимающая Сторона", "receiving Party"),
    ("third-party", "үшінші тарап", "третья сторона", "third party"),
    ("contract", "шарт | келісімшарт", "контракт", "contract"),
    ("contractor", "мердігер", "подрядчик", "contractor"),
    ("authorized-body", "уәкілетті орган", "уполномоченный орган", "authorized body"),
    ("competent-authority", "құзыретті орган", "компетентный орган", "competent authority"),
    ("central-authority", "орталық орган", "центральный орган", "central authority"),
    ("visit", "сапар", "визит", "visit"),
    ("need-to-know", "білу қажеттілігі", "необходимость знать", "need to know"),
    # information, information systems and information security
    ("information", "ақпарат", "информация", "information"),
    ("information-system", "ақпараттық жүйе", "информационная система", "information system"),
    ("interstate-information-system", "мемлекетаралық ақпараттық жүйе", "межгосударственная информационная система", "interstate information system"),
    ("legal-regime-of-information-systems", "ақпараттық жүйелердің құқықтық режимі", "правовой режим информационных систем", "legal regime of information systems"),
    ("owner-of-information-and-information-systems", "ақпарат пен ақпараттық жүйелердің меншік иесі", "собственник информации и информационных систем", "owner of information and information systems"),
    ("possessor-of-information-and-information-systems", "ақпарат пен ақпараттық жүйелердің иеленушісі", "владелец информации и информационных систем", "possessor of information and information systems"),
    ("information-holder", "ақпарат иесі", "обладатель информации", "information holder"),
    ("user", "пайдаланушы", "пользователь", "user"),
    ("information-exchange", "ақпарат алмасу | ақпараттық алмасу | ақпаратпен алмасу", "обмен информацией", "information exchange"),
    ("cis-bodies", "ТМД органдары", "органы СНГ", "CIS bodies"),
    ("electronic-message", "электрондық хабарлама", "электронное сообщение", "electronic message"),
    ("electronic-document", "электрондық құжат", "электронный документ", "electronic document"),
    ("electronic-signature", "электрондық цифрлық қолтаңба | электрондық қолтаңба", "электронная цифровая подпись", "electronic digital signature"),
    ("confidentiality-of-information", "ақпараттың құпиялығы | ақпараттың құпиялылығы", "конфиденциальность информации", "confidentiality of information"),
    ("information-protection", "ақпаратты қорғау", "защита информации", "information protection"),
    ("cryptographic-protection", "криптографиялық қорғау", "криптографическая защита", "cryptographic protection"),
    ("information-security", "ақпараттық қауіпсіздік", "информационная безопасность", "information security"),
    ("information-security-system", "ақпараттық қауіпсіздік жүйесі", "система информационной безопасности", "information security system"),
    ("information-security-threat", "ақпараттық қауіпсіздік қатері | ақпараттық қауіпсіздікке қатер", "угроза информационной безопасности", "information security threat"),
    ("information-space", "ақпараттық кеңістік", "информационное пространство", "information space"),
    ("information-infrastructure", "ақпараттық инфрақұрылым", "информационная инфраструктура", "information infrastructure"),
    ("critical-information-infrastructure", "аса маңызды ақпараттық инфрақұрылым", "критически важная информационная инфраструктура", "critical information infrastructure"),
    ("critically-important-structures", "аса маңызды құрылымдар", "критически важные структуры", "critically important structures"),
    ("information-resources", "ақпараттық ресурстар", "информационные ресурсы", "information resources"),
    ("information-technology", "ақпараттық технологиялар", "информационные технологии", "information technology"),
    ("ict", "ақпараттық-коммуникациялық технологиялар", "информационно-коммуникационные технологии", "information and communication technologies"),
    ("information-and-telecommunication-network", "ақпараттық-телекоммуникациялық желі", "информационно-телекоммуникационная сеть", "information and telecommunication network"),
    ("destructive-information-influence", "ыдыратушылық ақпараттық ықпал ету", "деструктивное информационное воздействие", "destructive information influence"),
    ("computer-attack", "компьютерлік шабуыл", "компьютерная атака", "computer attack"),
    ("computer-incident", "компьютерлік оқыс оқиға | компьютерлік инцидент", "компьютерный инцидент", "computer incident"),
    ("cybersecurity", "киберқауіпсіздік", "кибербезопасность", "cybersecurity"),
    ("malicious-software", "зиянды бағдарламалық қамтылым | зиянды бағдарлама", "вредоносное программное обеспечение", "malicious software"),
    ("unauthorised-access", "санкцияланбаған қол жеткізу | санкциясыз қол жеткізу | рұқсатсыз қол жеткізу", "несанкционированный доступ", "unauthorised access"),
    ("personal-data", "дербес деректер | жеке деректер", "персональные данные", "personal data"),
    ("data", "деректер", "данные", "data"),
    # parties, persons, bodies
    ("party", "Тарап", "Сторона", "Party"),
    ("requesting-party", "сұрау салушы Тарап", "запрашивающая Сторона", "requesting Party"),
    ("requested-party", "сұрау салынатын Тарап", "запрашиваемая Сторона", "requested Party"),
    ("request", "сұрау салу", "запрос", "request"),
    ("depositary", "депозитарий", "депозитарий", "depositary"),
    ("international-organization", "халықаралық ұйым", "международная организация", "international organization"),
    ("national-legislation", "ұлттық заңнама", "национальное законодательство", "national legislation"),
    ("legal-entity", "заңды тұлға", "юридическое лицо", "legal entity"),
    ("individual", "жеке тұлға", "физическое лицо", "individual"),
    ("citizen", "азамат", "гражданин", "citizen"),
    ("third-country-national", "үшінші ел азаматы | үшінші мемлекеттің азаматы", "гражданин третьего государства", "third-country national"),
    ("stateless-person", "азаматтығы жоқ адам | азаматтығы жоқ тұлға", "лицо без гражданства", "stateless person"),
    ("representative", "өкіл", "представитель", "representative"),
    ("expert", "сарапшы", "эксперт", "expert"),
    ("joint-commission", "бірлескен комиссия", "совместная комиссия", "joint commission"),
    ("working-group", "жұмыс тобы", "рабочая группа", "working group"),
    # territory, borders, migration, emergencies
    ("territory", "аумақ", "территория", "territory"),
    ("border-area", "шекара маңындағы аумақ", "приграничная территория", "border area"),
    ("cross-border-cooperation", "шекара маңындағы ынтымақтастық", "приграничное сотрудничество", "cross-border cooperation"),
    ("state-border", "мемлекеттік шекара", "государственная граница", "state border"),
    ("illegal-migration", "заңсыз көші-қон", "незаконная миграция", "illegal migration"),
    ("readmission", "реадмиссия", "реадмиссия", "readmission"),
    ("emergency", "төтенше жағдай", "чрезвычайная ситуация", "emergency"),
    ("assistance-team", "көмек көрсету тобы", "группа оказания помощи", "assistance team"),
    # crime, justice
    ("terrorism", "терроризм", "терроризм", "terrorism"),
    ("extremism", "экстремизм", "экстремизм", "extremism"),
    ("separatism", "сепаратизм", "сепаратизм", "separatism"),
    ("financing-of-terrorism", "терроризмді қаржыландыру", "финансирование терроризма", "financing of terrorism"),
    ("crime", "қылмыс", "преступление", "crime"),
    ("organized-crime", "ұйымдасқан қылмыс", "организованная преступность", "organized crime"),
    ("narcotic-drugs", "есірткі құралдары", "наркотические средства", "narcotic drugs"),
    ("psychotropic-substances", "психотроптық заттар", "психотропные вещества", "psychotropic substances"),
    ("precursors", "прекурсорлар", "прекурсоры", "precursors"),
    ("legal-assistance", "құқықтық көмек", "правовая помощь", "legal assistance"),
    ("extradition", "ұстап беру", "выдача", "extradition"),
    ("sentenced-person", "сотталған адам | сотталған тұлға", "осуждённый", "sentenced person"),
    ("forensic-institution", "сот-сараптама мекемесі | сот сараптамасы мекемесі", "судебно-экспертное учреждение", "forensic institution"),
    # customs, trade, tax, investment
    ("customs-authorities", "кеден органдары | кедендік органдар", "таможенные органы", "customs authorities"),
    ("customs-service", "кеден қызметі", "таможенная служба", "customs service"),
    ("customs-control", "кедендік бақылау", "таможенный контроль", "customs control"),
    ("goods", "тауарлар", "товары", "goods"),
    ("investments", "инвестициялар", "инвестиции", "investments"),
    ("investor", "инвестор", "инвестор", "investor"),
    ("resident", "резидент", "резидент", "resident"),
    ("permanent-establishment", "тұрақты мекеме", "постоянное учреждение", "permanent establishment"),
    ("tax", "салық", "налог", "tax"),
    # transport, tourism
    ("aircraft", "әуе кемесі", "воздушное судно", "aircraft"),
    ("designated-airline", "тағайындалған авиакомпания | тағайындалған әуе компаниясы", "назначенная авиакомпания", "designated airline"),
    ("agreed-services", "келісілген желілер", "договорные линии", "agreed services"),
    ("aeronautical-authorities", "авиациялық билік органдары", "авиационные власти", "aeronautical authorities"),
    ("tourism-activity", "туристік қызмет", "туристская деятельность", "tourism activity"),
    ("tour-operator", "туроператор", "туроператор", "tour operator"),
)
