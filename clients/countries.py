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


# What people write for a nationality that is not the country's ISO name: demonyms, common
# spellings and older names. Keys are compared folded (see `fold`). A word that names two countries
# ("Korean", "Congolese" for the Republic of the Congo, "Dominican") is given to the one people in
# England most often mean by it, or to neither: text that names no one country is kept for the
# coordinator to fix, never guessed.
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    # The UK and Ireland, and the Crown dependencies and territories.
    "GB": (
        "UK",
        "U.K.",
        "United Kingdom",
        "Great Britain",
        "GB",
        "Britain",
        "British",
        "Brit",
        "British citizen",
        "England",
        "English",
        "Scotland",
        "Scottish",
        "Scots",
        "Wales",
        "Welsh",
        "Northern Ireland",
        "Northern Irish",
        "Cornish",
    ),
    "IE": ("Irish", "Ireland", "Eire", "Republic of Ireland", "Southern Irish", "ROI"),
    "JE": ("Jersey", "Jerseyman", "Jersiais"),
    "GG": ("Guernsey", "Guernseyman"),
    "IM": ("Manx", "Isle of Man"),
    "GI": ("Gibraltarian",),
    "BM": ("Bermudian", "Bermudan"),
    "KY": ("Caymanian",),
    "FK": ("Falkland Islander", "Falklands", "Falkland Islands"),
    "MS": ("Montserratian",),
    "AI": ("Anguillan",),
    "VG": ("British Virgin Islander", "BVI"),
    "TC": ("Turks and Caicos Islander",),
    "SH": ("Saint Helenian", "St Helena", "St Helenian"),
    # The EEA.
    "AT": ("Austrian",),
    "BE": ("Belgian",),
    "BG": ("Bulgarian",),
    "HR": ("Croatian", "Croat"),
    "CY": ("Cypriot", "Greek Cypriot", "Turkish Cypriot"),
    "CZ": ("Czech", "Czech Republic"),
    "DK": ("Danish", "Dane"),
    "EE": ("Estonian",),
    "FI": ("Finnish", "Finn"),
    "FR": ("French", "Frenchman", "Frenchwoman"),
    "DE": ("German", "Deutsch", "Deutschland"),
    "GR": ("Greek", "Hellenic"),
    "HU": ("Hungarian", "Magyar"),
    "IT": ("Italian",),
    "LV": ("Latvian", "Lettish"),
    "LT": ("Lithuanian",),
    "LU": ("Luxembourgish", "Luxembourger", "Luxemburg"),
    "MT": ("Maltese",),
    "NL": ("Dutch", "Holland", "Hollander", "The Netherlands", "Netherlander"),
    "PL": ("Polish", "Pole", "Polska", "Polnd"),
    "PT": ("Portuguese", "Portugese", "Portugeese"),
    "RO": ("Romanian", "Roumanian", "Rumanian", "Roumania", "Rumania"),
    "SK": ("Slovak", "Slovakian"),
    "SI": ("Slovenian", "Slovene"),
    "ES": ("Spanish", "Spaniard", "Espana"),
    "SE": ("Swedish", "Swede"),
    "IS": ("Icelandic", "Icelander"),
    "LI": ("Liechtensteiner",),
    "NO": ("Norwegian",),
    # The rest of Europe.
    "CH": ("Swiss", "Switzerland"),
    "AL": ("Albanian",),
    "AD": ("Andorran",),
    "AM": ("Armenian",),
    "AZ": ("Azerbaijani", "Azeri", "Azerbaijan"),
    "BY": ("Belarusian", "Belarussian", "Byelorussian", "Belorussian"),
    "BA": ("Bosnian", "Herzegovinian", "Bosnia"),
    "GE": ("Georgian",),
    "XK": ("Kosovan", "Kosovar", "Kosovo"),
    "MD": ("Moldovan", "Moldavian"),
    "MC": ("Monegasque", "Monacan"),
    "ME": ("Montenegrin",),
    "MK": ("Macedonian", "Macedonia", "North Macedonian", "FYROM"),
    "RU": ("Russian", "Russia"),
    "SM": ("Sammarinese",),
    "RS": ("Serbian", "Serb"),
    "TR": ("Turkish", "Turk", "Turkey"),
    "UA": ("Ukrainian", "Ukranian", "Ukraine"),
    "VA": ("Vatican", "Vatican City"),
    "FO": ("Faroese", "Faroe Islander"),
    # The Americas and the Caribbean.
    "US": ("American", "USA", "U.S.A.", "US", "U.S.", "United States", "America"),
    "CA": ("Canadian",),
    "MX": ("Mexican",),
    "AR": ("Argentine", "Argentinian", "Argentinean"),
    "BO": ("Bolivian",),
    "BR": ("Brazilian", "Brasil"),
    "CL": ("Chilean",),
    "CO": ("Colombian", "Columbian", "Columbia"),
    "EC": ("Ecuadorian", "Ecuadorean"),
    "GY": ("Guyanese",),
    "PY": ("Paraguayan",),
    "PE": ("Peruvian",),
    "SR": ("Surinamese", "Surinamer"),
    "UY": ("Uruguayan",),
    "VE": ("Venezuelan",),
    "BZ": ("Belizean",),
    "CR": ("Costa Rican",),
    "SV": ("Salvadoran", "Salvadorian", "Salvadorean"),
    "GT": ("Guatemalan",),
    "HN": ("Honduran",),
    "NI": ("Nicaraguan",),
    "PA": ("Panamanian",),
    "AG": ("Antiguan", "Barbudan", "Antigua"),
    "BS": ("Bahamian", "The Bahamas"),
    "BB": ("Barbadian", "Bajan"),
    "CU": ("Cuban",),
    "DO": ("Dominican Republic",),
    "GD": ("Grenadian",),
    "HT": ("Haitian",),
    "JM": ("Jamaican",),
    "KN": ("Kittitian", "Nevisian", "St Kitts", "St Kitts and Nevis"),
    "LC": ("Saint Lucian", "St Lucian", "St Lucia"),
    "VC": ("Vincentian", "St Vincent", "St Vincent and the Grenadines"),
    "TT": ("Trinidadian", "Tobagonian", "Trini", "Trinidad", "Tobago"),
    "PR": ("Puerto Rican",),
    # Africa.
    "DZ": ("Algerian",),
    "AO": ("Angolan",),
    "BJ": ("Beninese", "Beninois"),
    "BW": ("Botswanan", "Motswana", "Batswana"),
    "BF": ("Burkinabe", "Burkinabé"),
    "BI": ("Burundian",),
    "CM": ("Cameroonian",),
    "CV": ("Cape Verdean", "Cape Verde"),
    "CF": ("Central African",),
    "TD": ("Chadian",),
    "KM": ("Comoran", "Comorian"),
    "CD": (
        "Congolese",
        "DRC",
        "DR Congo",
        "D.R. Congo",
        "Democratic Republic of the Congo",
        "Zaire",
    ),
    "CG": ("Congo-Brazzaville", "Republic of Congo", "Congo Brazzaville"),
    "CI": ("Ivorian", "Ivory Coast", "Cote d'Ivoire"),
    "DJ": ("Djiboutian", "Djibouti"),
    "EG": ("Egyptian",),
    "GQ": ("Equatoguinean", "Equatorial Guinean"),
    "ER": ("Eritrean",),
    "SZ": ("Swazi", "Swaziland", "Eswatini"),
    "ET": ("Ethiopian", "Abyssinian"),
    "GA": ("Gabonese",),
    "GM": ("Gambian", "The Gambia"),
    "GH": ("Ghanaian", "Ghanian"),
    "GN": ("Guinean",),
    "GW": ("Bissau-Guinean",),
    "KE": ("Kenyan",),
    "LS": ("Basotho", "Mosotho", "Lesothan"),
    "LR": ("Liberian",),
    "LY": ("Libyan",),
    "MG": ("Malagasy", "Madagascan"),
    "MW": ("Malawian",),
    "ML": ("Malian",),
    "MR": ("Mauritanian",),
    "MU": ("Mauritian",),
    "MA": ("Moroccan",),
    "MZ": ("Mozambican",),
    "NA": ("Namibian",),
    "NE": ("Nigerien",),
    "NG": ("Nigerian", "Naija"),
    "RW": ("Rwandan", "Rwandese"),
    "ST": ("Sao Tomean", "Santomean"),
    "SN": ("Senegalese",),
    "SC": ("Seychellois",),
    "SL": ("Sierra Leonean", "Sierra Leonian"),
    "SO": ("Somali", "Somalian", "Somaliland", "Somalilander"),
    "ZA": ("South African",),
    "SS": ("South Sudanese",),
    "SD": ("Sudanese",),
    "TZ": ("Tanzanian", "Zanzibari"),
    "TG": ("Togolese",),
    "TN": ("Tunisian",),
    "UG": ("Ugandan",),
    "EH": ("Sahrawi", "Sahrawian"),
    "ZM": ("Zambian",),
    "ZW": ("Zimbabwean", "Zimbabwian"),
    # Asia and the Middle East.
    "AF": ("Afghan", "Afghani", "Afganistan", "Afghanistani"),
    "BH": ("Bahraini",),
    "BD": ("Bangladeshi",),
    "BT": ("Bhutanese",),
    "BN": ("Bruneian", "Brunei"),
    "KH": ("Cambodian", "Khmer"),
    "CN": ("Chinese", "PRC", "Mainland China"),
    "HK": ("Hong Konger", "Hong Kongese", "Hong Kong Chinese", "BN(O)", "BNO"),
    "MO": ("Macanese", "Macau"),
    "TW": ("Taiwanese",),
    "IN": ("Indian",),
    "ID": ("Indonesian",),
    "IR": ("Iranian", "Persian", "Iran"),
    "IQ": ("Iraqi", "Iraqi Kurdistan"),
    "IL": ("Israeli",),
    "JP": ("Japanese",),
    "JO": ("Jordanian",),
    "KZ": ("Kazakh", "Kazakhstani"),
    "KW": ("Kuwaiti",),
    "KG": ("Kyrgyz", "Kirghiz", "Kyrgyzstani", "Kirgizia"),
    "LA": ("Lao", "Laotian", "Laos"),
    "LB": ("Lebanese",),
    "MY": ("Malaysian",),
    "MV": ("Maldivian",),
    "MN": ("Mongolian",),
    "MM": ("Burmese", "Burma", "Myanmar"),
    "NP": ("Nepalese", "Nepali"),
    "KP": ("North Korean", "DPRK"),
    "KR": ("South Korean", "Republic of Korea"),
    "OM": ("Omani",),
    "PK": ("Pakistani",),
    "PS": ("Palestinian", "Palestine", "Gaza", "West Bank"),
    "PH": ("Filipino", "Filipina", "Philippine", "Phillipines"),
    "QA": ("Qatari",),
    "SA": ("Saudi", "Saudi Arabian"),
    "SG": ("Singaporean",),
    "LK": ("Sri Lankan", "Ceylon"),
    "SY": ("Syrian", "Syria"),
    "TJ": ("Tajik", "Tajikistani", "Tadjik"),
    "TH": ("Thai",),
    "TL": ("Timorese", "East Timor", "East Timorese"),
    "TM": ("Turkmen", "Turkmenistani"),
    "AE": ("Emirati", "UAE", "U.A.E."),
    "UZ": ("Uzbek", "Uzbekistani"),
    "VN": ("Vietnamese", "Vietnam", "Viet Nam"),
    "YE": ("Yemeni", "Yemenite"),
    # Oceania.
    "AU": ("Australian", "Aussie"),
    "NZ": ("New Zealander", "Kiwi", "Aotearoa"),
    "FJ": ("Fijian",),
    "KI": ("I-Kiribati",),
    "MH": ("Marshallese",),
    "FM": ("Micronesian", "Micronesia"),
    "NR": ("Nauruan",),
    "PW": ("Palauan",),
    "PG": ("Papua New Guinean", "PNG"),
    "WS": ("Samoan",),
    "SB": ("Solomon Islander",),
    "TO": ("Tongan",),
    "TV": ("Tuvaluan",),
    "VU": ("Ni-Vanuatu", "Vanuatuan"),
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


NOT_CODES = frozenset({"NO", "NA", "NI", "NK", "IT", "ME", "IN", "AM", "BE", "IS", "TO", "GO"})


def match(text: str) -> str | None:
    """The ISO code for a nationality as people write it ("Polish", "poland", "PL", "UK"), or None
    when the text names no one country."""
    folded = fold(text)
    if not folded:
        return None
    written = text.strip()
    # A code only as a code is written: "PL" or "POL", never "no", "Can" or "Br", and never a
    # code that is also a word or an abbreviation staff use ("NO", "NA" for not applicable, "NI"
    # for Northern Ireland).
    if written.isalpha() and written.isupper() and written not in NOT_CODES:
        if len(written) == 2 and written in by_code():
            return written
        alpha_3 = pycountry.countries.get(alpha_3=written) if len(written) == 3 else None
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
