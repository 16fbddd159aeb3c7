"""Common Italian and English words that say nothing about a post's topic."""

from __future__ import annotations

_WORDS = """
il lo la i gli le un uno una di del dello della dei degli delle da dal dallo dalla dai
dagli dalle in nel nello nella nei negli nelle su sul sullo sulla sui sugli sulle con col
per tra fra a al allo alla ai agli alle e ed o od ma se che chi cui non più meno anche
come dove quando perché perche cosa quale quali quanto questo questa questi queste quello
quella quelli quelle mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra
nostri nostre vostro vostra loro io tu lui lei noi voi essi sono sei è era erano siamo
siete ho hai ha abbiamo avete hanno già ancora solo molto tutto tutti tutte ogni oggi ieri
domani qui qua lì là poi così via dell all sull nell dall quest the an and or but if then
of to in on at by for with without from into onto over under about as is are was were be
been being am do does did have has had not no yes this that these those it its we you
they he she our your their my me us them who what when where why how which can will just
more most very all any some so than too up out new now get got amp don
"""

STOPWORDS: frozenset[str] = frozenset(_WORDS.split())
