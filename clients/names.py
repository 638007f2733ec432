"""How MARS compares people's names: one matcher for search, the duplicate warning, sighting
linking and the bundle import.

A name is compared word by word after normalising (case, accents, apostrophes, hyphens), by two
phonetic keys (jellyfish's Metaphone and NYSIIS, which between them hear Micheal as Michael, Pryce
as Price, Shaun as Sean and Tomasz as Thomas), by a small table of first-name nicknames, and, for
people already found, by a one-letter edit distance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import jellyfish

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "\u0131": "i",
    }
)
# Apostrophes vanish (O'Brien = OBrien); any other punctuation separates words (Smith-Jones).
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")

# First names people are called by, and the names they stand for. Each group is one person's
# name as workers hear it on the street; a word may belong to more than one group.
NICKNAME_GROUPS: list[frozenset[str]] = [
    frozenset(group.split())
    for group in [
        "daniel dan danny dannie",
        "michael mick mickey micky mike mikey mikhail",
        "stephen steven steve stevie",
        "robert rob robbie bob bobby bert",
        "elizabeth liz lizzie beth betty eliza libby",
        "william bill billy will willie liam",
        "james jim jimmy jamie",
        "thomas tom tommy",
        "katherine catherine kathryn kate katie kathy cath",
        "susan sue suzy susie",
        "margaret maggie meg peggy",
        "richard rick ricky dick",
        "anthony tony",
        "christopher chris",
        "christine chris chrissie",
        "patrick pat paddy",
        "edward ed eddie ted",
        "alexander alex sandy",
        "andrew andy drew",
        "joseph joe joey",
        "jonathan jon jonny",
        "john jon johnny jack",
        "matthew matt",
        "nicholas nick nicky",
        "samuel sam sammy",
        "samantha sam sammy",
        "jennifer jen jenny",
        "rebecca becky becca",
        "deborah debbie deb",
        "victoria vicky tori",
        "gareth gaz",
        "gary gaz",
        "kenneth ken kenny",
        "david dave davey",
        "peter pete",
        "terence terry",
        "raymond ray",
        "frederick fred freddie",
    ]
]
_NICKNAMES: dict[str, frozenset[str]] = {}
for _group in NICKNAME_GROUPS:
    for _word in _group:
        _NICKNAMES[_word] = _NICKNAMES.get(_word, frozenset()) | _group


def normalise(text: str) -> str:
    """The name in lower-case ASCII words separated by single spaces: "Łukasz O\u2019Brien-Smith" is
    "lukasz obrien smith"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text.translate(_LETTERS))
    return " ".join(_SEPARATORS.sub(" ", text).split())


def words(text: str) -> list[str]:
    return normalise(text).split()


def index_words(text: str) -> list[str]:
    """The words a name is found by: each word, and a hyphenated or spaced name run together
    (Smith-Jones is also smithjones; Mc Donald is also mcdonald)."""
    found = words(text)
    if len(found) > 1:
        found.append("".join(found))
    return list(dict.fromkeys(found))


def sounds(word: str) -> tuple[str, str]:
    """A word's two phonetic keys (Metaphone, NYSIIS); blank for words with digits or too short
    to say anything about how they sound."""
    if len(word) < 3 or not word.isalpha():
        return "", ""
    return jellyfish.metaphone(word), jellyfish.nysiis(word)


def nicknames(word: str) -> frozenset[str]:
    """The word and every first name it may stand for or be short for."""
    return _NICKNAMES.get(word, frozenset()) | {word}


# How alike two words are, by the strongest way they match.
EXACT, NICKNAME, SOUND, TYPO = 1.0, 0.9, 0.8, 0.8


def word_likeness(mine: str, theirs: str) -> float:
    """1 for the same word, less for a nickname, a word that sounds the same or a one-letter
    slip (Micheal, Danial, Colins), 0 for different words."""
    if mine == theirs:
        return EXACT
    if theirs in nicknames(mine):
        return NICKNAME
    my_sounds, their_sounds = sounds(mine), sounds(theirs)
    if any(a and a == b for a, b in zip(my_sounds, their_sounds, strict=True)):
        return SOUND
    if (
        min(len(mine), len(theirs)) >= 4
        and jellyfish.damerau_levenshtein_distance(mine, theirs) <= 1
    ):
        return TYPO
    return 0.0


def name_likeness(mine: str, theirs: str) -> float:
    """How alike two whole names are (0..1): each word of the longer name is matched to its best
    partner in the other, and words with no partner count as 0."""
    a, b = words(mine), words(theirs)
    if not a or not b:
        return 0.0
    if "".join(a) == "".join(b):
        return EXACT
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    total = sum(max(word_likeness(word, other) for other in longer) for word in shorter)
    return total / len(longer)


def best_likeness(mine: Iterable[str], theirs: Sequence[str]) -> float:
    """The likeness of the closest pair between two lists of names."""
    return max(
        (name_likeness(m, t) for m in mine if m.strip() for t in theirs if t.strip()),
        default=0.0,
    )
