"""Countries for a person's nationality: ISO 3166-1 alpha-2 codes (from pycountry, which follows
Debian's iso-codes), the names and demonyms people type for them, and the groups England's rough
sleeping return counts (RSDF: UK, EEA, outside the EEA, not known)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

UK = "GB"
# The 27 EU member states, Iceland, Liechtenstein and Norway. Switzerland, the Crown dependencies
# and Gibraltar are outside it (DESIGN.md, RSDF readings).
EEA = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
        *("IS", "LI", "NO"),
    }
)


class NationalityGroup(models.TextChoices):
    UK = "uk", "UK"
    EEA = "eea", "EEA"
    OUTSIDE_EEA = "outside_eea", "Outside the EEA"
    NOT_KNOWN = "not_known", "Not known"


# What people write for a nationality that is not the country's ISO name: demonyms and common
# spellings. Keys are compared folded (see `fold`).
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "GB": (
        "UK",
        "U.K.",
        "United Kingdom",
        "Great Britain",
        "Britain",
        "British",
        "England",
        "English",
        "Scotland",
        "Scottish",
        "Scots",
        "Wales",
        "Welsh",
        "Northern Ireland",
        "Northern Irish",
    ),
    "IE": ("Irish", "Ireland", "Eire", "Republic of Ireland", "Southern Irish"),
    "PL": ("Polish", "Pole"),
    "RO": ("Romanian",),
    "LT": ("Lithuanian",),
    "LV": ("Latvian",),
    "EE": ("Estonian",),
    "CZ": ("Czech", "Czech Republic"),
    "SK": ("Slovak", "Slovakian"),
    "SI": ("Slovenian", "Slovene"),
    "HU": ("Hungarian",),
    "BG": ("Bulgarian",),
    "HR": ("Croatian", "Croat"),
    "DE": ("German",),
    "FR": ("French",),
    "ES": ("Spanish",),
    "PT": ("Portuguese",),
    "IT": ("Italian",),
    "NL": ("Dutch", "Holland"),
    "BE": ("Belgian",),
    "GR": ("Greek",),
    "CY": ("Cypriot",),
    "MT": ("Maltese",),
    "AT": ("Austrian",),
    "DK": ("Danish", "Dane"),
    "SE": ("Swedish", "Swede"),
    "FI": ("Finnish", "Finn"),
    "LU": ("Luxembourgish", "Luxembourger"),
    "IS": ("Icelandic", "Icelander"),
    "NO": ("Norwegian",),
    "LI": ("Liechtensteiner",),
    "CH": ("Swiss",),
    "US": ("American", "USA", "U.S.A.", "United States", "America"),
    "CA": ("Canadian",),
    "AU": ("Australian",),
    "NZ": ("New Zealander", "Kiwi"),
    "ZA": ("South African",),
    "SO": ("Somali", "Somalian"),
    "ER": ("Eritrean",),
    "ET": ("Ethiopian",),
    "SD": ("Sudanese",),
    "SS": ("South Sudanese",),
    "NG": ("Nigerian",),
    "GH": ("Ghanaian",),
    "KE": ("Kenyan",),
    "UG": ("Ugandan",),
    "ZW": ("Zimbabwean",),
    "CD": ("Congolese", "DRC", "DR Congo"),
    "AF": ("Afghan", "Afghani"),
    "IR": ("Iranian", "Persian"),
    "IQ": ("Iraqi",),
    "SY": ("Syrian",),
    "KW": ("Kuwaiti",),
    "EG": ("Egyptian",),
    "LY": ("Libyan",),
    "MA": ("Moroccan",),
    "DZ": ("Algerian",),
    "TN": ("Tunisian",),
    "TR": ("Turkish", "Turk", "Turkey"),
    "AL": ("Albanian",),
    "XK": ("Kosovan", "Kosovar"),
    "RS": ("Serbian", "Serb"),
    "UA": ("Ukrainian",),
    "RU": ("Russian",),
    "BY": ("Belarusian",),
    "MD": ("Moldovan",),
    "GE": ("Georgian",),
    "PK": ("Pakistani",),
    "IN": ("Indian",),
    "BD": ("Bangladeshi",),
    "LK": ("Sri Lankan",),
    "NP": ("Nepalese", "Nepali"),
    "CN": ("Chinese",),
    "HK": ("Hong Konger", "Hong Kongese"),
    "VN": ("Vietnamese", "Vietnam"),
    "PH": ("Filipino", "Filipina"),
    "MY": ("Malaysian",),
    "JM": ("Jamaican",),
    "TT": ("Trinidadian", "Trinidad"),
    "BB": ("Barbadian", "Bajan"),
    "BR": ("Brazilian",),
    "CO": ("Colombian",),
    "VE": ("Venezuelan",),
    "MX": ("Mexican",),
    "JE": ("Jersey",),
    "GG": ("Guernsey",),
    "IM": ("Manx", "Isle of Man"),
    "GI": ("Gibraltarian",),
}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    other_names: tuple[str, ...]

    @property
    def group(self) -> str:
        return group_of(self.code)


def fold(text: str) -> str:
    """Text compared without case, accents, punctuation or extra spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


@cache
def countries() -> tuple[Country, ...]:
    """Every country, by name."""
    found = []
    for entry in pycountry.countries:
        name = getattr(entry, "common_name", None) or entry.name
        others = [
            entry.name,
            getattr(entry, "official_name", ""),
            *OTHER_NAMES.get(entry.alpha_2, ()),
        ]
        found.append(Country(entry.alpha_2, name, tuple(o for o in others if o and o != name)))
    # Kosovo has no ISO 3166-1 code yet; XK is the user-assigned code in common use (the EU's,
    # the UK Home Office's).
    found.append(Country("XK", "Kosovo", OTHER_NAMES["XK"]))
    return tuple(sorted(found, key=lambda c: fold(c.name)))


@cache
def by_code() -> dict[str, Country]:
    return {country.code: country for country in countries()}


@cache
def _by_folded_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in countries():
        for name in (country.name, *country.other_names):
            names.setdefault(fold(name), country.code)
    return names


def name_of(code: str) -> str:
    """The country's name, or "Not known" for no code."""
    country = by_code().get(code)
    return country.name if country else "Not known"


def match(text: str) -> str | None:
    """The ISO code for a nationality as people write it ("Polish", "poland", "PL", "UK"), or None
    when the text names no one country."""
    folded = fold(text)
    if not folded:
        return None
    if len(folded) in (2, 3) and folded.upper() in by_code():
        return folded.upper()
    alpha_3 = pycountry.countries.get(alpha_3=folded.upper()) if len(folded) == 3 else None
    if alpha_3 is not None:
        return str(alpha_3.alpha_2)
    return _by_folded_name().get(folded)


def group_of(code: str) -> str:
    """The return's nationality group: only GB is the UK; the EEA is the EU, Iceland,
    Liechtenstein and Norway; any other country is outside it; no code is not known."""
    if not code:
        return NationalityGroup.NOT_KNOWN
    if code == UK:
        return NationalityGroup.UK
    return NationalityGroup.EEA if code in EEA else NationalityGroup.OUTSIDE_EEA


def validate_code(code: str) -> None:
    if code and code not in by_code():
        raise ValidationError(f'"{code}" is not a country code (ISO 3166-1 alpha-2).')
