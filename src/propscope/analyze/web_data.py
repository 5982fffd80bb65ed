"""Data tables the reference finders consult: top-level domains, link shorteners,
tracking query parameters.

Kept apart from the regexes so that adding a shortener or a TLD is a data edit,
reviewable on its own, and never touches matching logic. Every table is a plain
frozenset of lower-case strings.
"""

from __future__ import annotations


def _table(words: str) -> frozenset[str]:
    """A table written as whitespace-separated words (easy to read and to diff)."""
    return frozenset(words.split())


# Country-code TLDs (ISO 3166-1 alpha-2 plus the few historical/extra ones still
# delegated: ac, eu, su, uk). A scheme-less host must end in one of these, in a
# generic TLD below, or in an internationalised TLD, to count as a link at all.
COUNTRY_TLDS = _table("""
ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br
bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz
ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw
gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw
ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu
mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt
pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc
td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws
ye yt za zm zw
""")

# Generic TLDs seen in news and influence-operation corpora. Not exhaustive on
# purpose: an unknown TLD after a scheme (``https://``) or ``www.`` is still a
# link; only scheme-less, ``www``-less hosts need a known TLD.
GENERIC_TLDS = _table("""
com org net edu gov mil int info biz name pro mobi aero asia cat coop jobs museum tel travel
app dev blog news online site website xyz top club shop store tech live today world media
press space fun icu vip link click life email digital network agency center global group
solutions services company report review wiki social academy art bank cloud design
foundation institute international law legal love party science studio systems team video
watch win work zone church community events page chat one host ink run tube red men ngo ong
moscow berlin paris london nyc tokyo eus cymru scot gal bzh quebec africa lat
""")

# Country codes that are also everyday short words or file extensions. A host
# ending in one of these is only taken for a link when a scheme, ``www.`` or a
# path makes that clear: otherwise ``the end.it was`` (text glued after a full
# stop) or ``script.py`` would become a link.
AMBIGUOUS_BARE_TLDS = _table("""
am an as at be by de do es et ga go he id if in is it la me mi my no of on or pa re se so
st to tv us we md py sh ps
""")

KNOWN_TLDS = COUNTRY_TLDS | GENERIC_TLDS

# Link shorteners and branded short-link domains: a link through one of these
# hides its destination, which is why the analyst wants them flagged. Platform
# short hosts that keep the destination visible (youtu.be, t.me) are not listed.
LINK_SHORTENERS = _table("""
t.co bit.ly bitly.com j.mp goo.gl tinyurl.com ow.ly buff.ly dlvr.it is.gd v.gd tiny.cc
rebrand.ly cutt.ly shorturl.at rb.gy s.id t.ly lnkd.in fb.me amzn.to trib.al wp.me ift.tt
po.st su.pr bl.ink soo.gd clck.ru vk.cc tr.im x.co qr.ae adf.ly shorte.st bc.vc cli.gs
shar.es flip.it hubs.ly hubs.la apne.ws nyti.ms wapo.st bbc.in reut.rs cnn.it politi.co
fxn.ws hill.cm n.pr abcn.ws cbsn.ws nbcnews.to econ.st ti.me lat.ms usat.ly bloom.bg
on.wsj.com on.ft.com gu.com ind.pn dailym.ai trib.in snip.ly mcaf.ee db.tt y2u.be
linktr.ee lnk.to smarturl.it tinu.be u.to""")

# Query parameters that only say how a visitor arrived (campaign, click and share
# identifiers); dropping them makes links to the same page compare equal.
TRACKING_QUERY_PARAMS = _table("""
fbclid gclid dclid gbraid wbraid msclkid yclid twclid ttclid igshid mc_cid mc_eid _ga _gl
ref_src ref_url __twitter_impression mkt_tok oly_anon_id oly_enc_id vero_id wickedid
""")

# Any parameter starting with one of these prefixes is a tracking parameter too.
TRACKING_QUERY_PREFIXES = ("utm_", "pk_", "hsa_", "_hs")

# Dropped only from the comparison key (coordination's items, ``urls.canonical_url``),
# never from the link a reference shows: these say who shared a link, but on some sites
# they also pick what is shown (``s`` is WordPress's search, ``feature`` and ``share`` are
# sometimes real switches), so the displayed link keeps them and only the key, where a
# rare false merge costs less than a missed one, drops them.
COMPARISON_ONLY_TRACKING_PARAMS = _table("""
ref ref_src ref_url referrer igshid igsh si s feature share shared sharesource fbclid gclid
dclid msclkid yclid twclid ttclid mc_cid mc_eid _ga _gl spm cmpid ncid sr_share smid smtyp
at_medium at_campaign
""")
COMPARISON_ONLY_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "mtm_", "oly_", "_hs")
