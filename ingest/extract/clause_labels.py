"""What a person calls each clause type, in Kazakh, Russian and English: the labels of
``docs/clause-types.md`` (the shared table), as package data so the pages and reports
show them without reading the docs folder. ``tests/test_compare.py`` keeps the two
equal."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str, str]] = {
    "purpose": ("Мақсаты, нысанасы", "Цель, предмет", "Purpose and subject"),
    "definitions": ("Ұғымдар", "Термины и определения", "Definitions"),
    "principles": ("Қағидаттар", "Принципы", "Principles"),
    "scope": ("Қолданылу аясы", "Сфера применения", "Scope"),
    "cooperation": ("Ынтымақтастық", "Сотрудничество", "Areas and forms of cooperation"),
    "competent_authorities": ("Құзыретті органдар", "Компетентные органы", "Competent and authorised bodies"),
    "classification_levels": ("Құпиялылық дәрежелері", "Степени секретности", "Equivalence of classification levels"),
    "information_protection": ("Ақпаратты қорғау", "Защита информации", "Protection of information"),
    "information_exchange": ("Ақпарат алмасу", "Обмен информацией", "Exchange and transfer of information"),
    "requests": ("Сұрау салу", "Запросы", "Requests"),
    "information_systems": ("Ақпараттық жүйелер", "Информационные системы", "Information systems and data banks"),
    "visits": ("Сапарлар", "Визиты", "Visits"),
    "contracts": ("Шарттар", "Контракты", "Contracts between bodies"),
    "breach": ("Бұзушылық және залал", "Нарушения и ущерб", "Breach, liability and damages"),
    "expenses": ("Шығыстар", "Расходы", "Expenses"),
    "relation_to_other_treaties": ("Басқа шарттарға қатысы", "Отношение к другим договорам", "Relation to other treaties"),
    "dispute_resolution": ("Дауларды шешу", "Разрешение споров", "Settlement of disputes"),
    "amendments": ("Өзгерістер мен толықтырулар", "Изменения и дополнения", "Amendments"),
    "entry_into_force": ("Күшіне енуі", "Вступление в силу", "Entry into force"),
    "duration": ("Қолданылу мерзімі", "Срок действия", "Duration"),
    "withdrawal": ("Шығу және тоқтату", "Выход и прекращение", "Withdrawal and termination"),
    "accession": ("Қосылу", "Присоединение", "Accession"),
    "depositary": ("Депозитарий", "Депозитарий", "Depositary"),
    "language": ("Тілдер", "Языки", "Languages and authentic texts"),
}
"""Clause type id → (Kazakh, Russian, English)."""


def label(type_id: str, language: str = "kk") -> str:
    """The label of a clause type in ``language`` ("kk", "ru", "en"); the id itself for
    an unknown type."""
    names = LABELS.get(type_id)
    if names is None:
        return type_id
    return names[{"kk": 0, "ru": 1, "en": 2}.get(language, 0)]


__all__ = ["LABELS", "label"]
