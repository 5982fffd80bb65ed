"""Function words of the corpora's languages, for trimming repeated phrases.

A repeat such as ``of the United States`` is reported as ``United States``, and
a repeat made only of function words (``in the``, ``de la``) is never reported:
such words repeat in all writing and say nothing about manipulation. Short,
hand-written lists (articles, pronouns, prepositions, conjunctions, auxiliaries
and the most common reporting verbs) are enough for that job; they are lower-case
and compared with case-folded tokens.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN = _words("""
a an the and or but nor so yet if then than that this these those there here of in on at to
for from by with without about into onto over under after before between through during
against among as is are was were be been being am do does did done have has had having will
would shall should can could may might must not no yes it its it's he him his she her hers
they them their theirs we us our ours you your yours i me my mine who whom whose which what
when where why how all any both each few more most other some such only own same too very
just also up down out off again further once said says say told according also s t one two
""")
_FR = _words("""
le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont où ce
cet cette ces se sa son ses leur leurs il elle ils elles on nous vous je tu me te lui y en
ne pas plus est sont était été être avoir a ont avait fait dans sur sous par pour avec sans
entre vers chez comme si aussi très tout tous toute toutes a dit selon
""")
_DE = _words("""
der die das den dem des ein eine einer eines einem einen und oder aber doch sondern dass
daß wie als wenn ob weil denn nicht kein keine ist sind war waren sein hat haben hatte wird
werden wurde wurden kann können muss soll im in an auf aus bei mit nach von vor zu zum zur
über unter für durch gegen ohne um es er sie wir ihr ich du sich auch noch nur so sehr
dieser diese dieses jener man sagte laut
""")
_IT = _words("""
il lo la i gli le un uno una di del dello della dei degli delle a al allo alla ai agli alle
da dal dalla dai in nel nella nei con su sul sulla per tra fra e ed o ma che chi cui non si
è sono era erano essere ha hanno aveva anche come più molto questo questa questi quello
quella ci ne lui lei loro noi voi io tu ha detto secondo
""")
_ES = _words("""
el la los las un una unos unas de del al y o u pero que quien cual cuyo no se es son era
eran ser estar está están ha han había en con por para sin sobre entre hasta desde como más
muy este esta estos estas ese esa lo le les su sus nos yo tú él ella ellos ellas dijo según
""")
_PL = _words("""
i w we z ze na do od o u a ale lub albo czy że to ten ta te tego tej tym jest są był była
było byli być się nie tak jak już jeszcze także też przez dla po pod nad przed przy bez
który która które których jego jej ich on ona oni my wy ja ty co czy powiedział według
""")
_RU = _words("""
и в во на с со к ко по о об от до из у за над под при без для а но или что чтобы как так
же ли не ни это этот эта эти тот та те то он она оно они мы вы я ты его её их ему ей им
был была было были быть есть будет который которая которые которых также тоже уже ещё
сказал по словам
""")

STOPWORDS: frozenset[str] = _EN | _FR | _DE | _IT | _ES | _PL | _RU
