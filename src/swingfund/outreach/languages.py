"""The languages messages are written in, and which scripts run right to left."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "cy": "Cymraeg",
    "ur": "اردو (Urdu)",
    "ar": "العربية (Arabic)",
    "bn": "বাংলা (Bengali)",
    "pa": "ਪੰਜਾਬੀ (Punjabi)",
    "gu": "ગુજરાતી (Gujarati)",
    "so": "Soomaali (Somali)",
    "fa": "فارسی (Persian)",
    "pl": "Polski",
}
RTL = frozenset({"ar", "ur", "fa", "he", "ps"})

# Replies that withdraw WhatsApp consent at once (compared after trimming and case-folding).
STOP_WORDS = frozenset(
    {
        "stop", "unsubscribe", "stopall", "cancel", "end", "quit",
        "stopp", "peidiwch", "dim mwy",  # Welsh
        "بند کریں", "بند", "روکیں",  # Urdu
        "توقف", "إيقاف", "الغاء", "إلغاء",  # Arabic
        "বন্ধ", "বন্ধ করুন",  # Bengali
        "ਬੰਦ", "ਬੰਦ ਕਰੋ",  # Punjabi
        "બંધ", "બંધ કરો",  # Gujarati
        "jooji", "joogso",  # Somali
        "لغو", "توقف کن",  # Persian
        "koniec", "wypisz",  # Polish
    }
)  # fmt: skip


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def is_stop(text: str) -> bool:
    return " ".join(text.split()).casefold().strip(".!") in STOP_WORDS
