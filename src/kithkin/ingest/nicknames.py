"""Given names and the short forms people go by: Bob is Robert, Liz is Elizabeth.

Each line is one group, the formal name first. A name may sit in several groups (Chris is
Christopher, Christine or Christian), so `canonical` returns every formal name it can stand
for. Kept small on purpose: common English forms plus a few widespread European ones.
"""

from __future__ import annotations

from typing import Final

_GROUPS: Final = """
abigail abby abbie gail
albert al bert bertie
alexander alex alec sasha sandy xander lex
alexandra alex sasha sandra sandy lexi alexa
alfred al alf alfie fred
andrew andy drew
anne ann anna annie nan nancy
anthony tony ant
arthur art artie
augustus gus august
barbara barb barbie babs
benjamin ben benny benji
bernard bernie
catherine kate katie cathy cat kathy katy
charles charlie chuck chas chaz carl
christian chris
christina chris tina chrissy
christine chris chrissy
christopher chris kit topher
cynthia cindy
daniel dan danny
david dave davy
deborah debbie deb debra
dmitri dima
donald don donny
dorothy dot dottie dolly
douglas doug
edward ed eddie ted ned
elizabeth liz lizzie beth betty bess eliza betsy libby lisa elisa
emily em emmy
eugene gene
frances fran frannie
francis frank fran
francisco paco pancho
franklin frank
frederick fred freddie fritz
gabriel gabe
geoffrey geoff jeff
gerald gerry jerry
gregory greg
gwendolyn gwen wendy
harold harry hal
henry hank harry hal
isabel isabella izzy bella belle
jacob jake
james jim jimmy jamie
jeffrey jeff
jennifer jen jenny jenn
jessica jess jessie
john jack johnny jon
jonathan jon jonny nathan
joseph joe joey jo pepe jose
judith judy jude
katherine kate katie kathy kat kay
kenneth ken kenny
kimberly kim
lawrence larry laurie
leonard len lenny leo
louis lou louie
margaret maggie meg peggy marge margie greta rita daisy
matthew matt matty
michael mike mikey mick mickey misha
mikhail misha
nathaniel nate nathan nat
nicholas nick nicky nico
pamela pam
patricia pat patty trish tricia
patrick pat paddy
peter pete
philip phil pip
phillip phil
raymond ray
rebecca becky becca
richard rick ricky rich richie dick
robert rob bob bobby robbie bert
ronald ron ronnie
samantha sam sammy
samuel sam sammy
sandra sandy
stephanie steph stephie
stephen steve stevie
steven steve stevie
susan sue susie suzy
theodore ted teddy theo
thomas tom tommy
timothy tim timmy
valerie val
victoria vicky vicki tori
walter walt wally
william will bill billy willy liam
zachary zach zack
"""


def _index() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in _GROUPS.strip().splitlines():
        formal, *short = line.split()
        for name in (formal, *short):
            out.setdefault(name, set()).add(formal)
    return {name: frozenset(formals) for name, formals in out.items()}


_CANONICAL: Final = _index()


def canonical(given: str) -> frozenset[str]:
    """Every formal name a (folded, lower-case) given name can stand for; itself if none."""
    return _CANONICAL.get(given, frozenset({given}))


def same_person_names(a: str, b: str) -> bool:
    """Whether two different given names are forms of one name (bob ~ robert, bob ~ rob)."""
    return a != b and bool(canonical(a) & canonical(b))


def formal_names() -> list[str]:
    """Every formal name of the table, sorted."""
    return sorted({formal for formals in _CANONICAL.values() for formal in formals})


def short_forms(formal: str) -> list[str]:
    """The short forms of a formal name (robert: bert, bob, bobby, rob, robbie), sorted."""
    return sorted(
        name for name, formals in _CANONICAL.items() if formal in formals and name != formal
    )
