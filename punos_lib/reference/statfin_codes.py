"""Value codes of StatFin tables that the recorded real data shows only partly.

Two kinds of facts live here, so that the demo generator, the bundling of recorded real data and
the loaders agree on one copy:

- **Area codes that are not areas.** The Employment Service Statistics (tyonv 12r5, 12ti) list,
  beside the country, regions, sub-regions, ELY centres and municipalities, codes for jobseekers
  whose area is unknown or abroad (``KU199``, ``KUJOU``, ``SK902``, ``SKJOU``, ``MK91``, ``MKJO``,
  ``ELY80``, ``ELYJO``; seen in live 12r5 metadata, DOMAIN.md). They are no place on a map and
  are not part of any region, so the loaders drop them.
- **Category codes of tables recorded only as PxWeb Excel exports** (115p, 115b). An export
  carries the texts of the categories, not their codes. The codes below are the ones the project
  uses for those texts in the demo and in the bundled real data; the loaders recognise the
  categories by their texts, so a fresh fetch with StatFin's own codes reads the same way.
"""

from __future__ import annotations

import re

__all__ = [
    "TYONV_NON_AREAS", "is_statistical_area", "SELF_SUFFICIENCY_CONTENT", "COMMUTING_KINDS",
    "COMMUTING_EDUCATION", "COMMUTING_AGES", "ACTIVITY_AGES", "MAIN_ACTIVITIES", "OCCUPATION_AGES",
    "TYONV_X_OCCUPATIONS", "TYONV_12R5_CONTENTS", "NON_AREA_TEXT",
]

#: Codes in the tyonv area lists for an unknown area or abroad (live 12r5 metadata, DOMAIN.md).
TYONV_NON_AREAS: frozenset[str] = frozenset(
    {"KU199", "KUJOU", "SK902", "SKJOU", "MK91", "MKJO", "ELY80", "ELYJO"}
)

_AREA = re.compile(r"^(SSS|KU\d{3}|SK\d{3}|MK\d{2}|ELY\d{2})$")


def is_statistical_area(code: str) -> bool:
    """Whether an area code names a place (country, region, sub-region, ELY centre, municipality).

    Examples
    --------
    >>> [is_statistical_area(c) for c in ("SSS", "MK10", "KU491", "KU199", "MKJO", "ELY80")]
    [True, True, True, False, False, False]
    """
    return bool(_AREA.match(code)) and code not in TYONV_NON_AREAS


#: 125s has one content: workplace self-sufficiency, % (old code ``tyopaikkaomavaraisuus``,
#: DOMAIN.md; its post-2026 code has not been seen, the loader also accepts a prefixed one).
SELF_SUFFICIENCY_CONTENT: tuple[str, str] = ("tyopaikkaomavaraisuus", "Työpaikkaomavaraisuus, %")

#: 115p "Pendelöinti": the texts of the real exports (reference commuting/*.xlsx).
COMMUTING_KINDS: list[tuple[str, str]] = [
    ("1", "Asuinkunnassaan työssäkäyvät"),
    ("2", "Alueelle pendelöivät"),
]

#: 115p "Koulutusaste", in the order of the real exports; no total in the exports.
COMMUTING_EDUCATION: list[tuple[str, str]] = [
    ("3_4", "Toinen aste tai erikoisammattikoulutusaste 3, 4"),
    ("5_6", "Alin korkea-aste tai alempi korkeakouluaste 5, 6"),
    ("7_8", "Ylempi korkeakouluaste tai tutkijakoulutusaste 7, 8"),
    ("0_2_9", "Ei perusasteen jälkeistä tutkintoa tai koulutusaste tuntematon"),
]

#: 115p "Ikä": the employed aged 18–74 in ten-year groups (the exports' texts are "18 - 24").
COMMUTING_AGES: list[tuple[str, str]] = [
    ("18-24", "18 - 24"), ("25-34", "25 - 34"), ("35-44", "35 - 44"), ("45-54", "45 - 54"),
    ("55-64", "55 - 64"), ("65-74", "65 - 74"),
]

#: 115b "Ikä" of the real export.
ACTIVITY_AGES: list[tuple[str, str]] = [("0-17", "0 - 17"), ("18-64", "18 - 64"), ("65-", "65 -")]

#: 115b "Pääasiallinen toiminta", in the order and with the texts of the real export; the codes
#: follow Statistics Finland's classification of main type of activity (1 labour force, 11
#: employed, 12 unemployed, 2 outside the labour force and its parts).
MAIN_ACTIVITIES: list[tuple[str, str]] = [
    ("SSS", "Yhteensä"), ("1", "Työvoima"), ("11", "Työlliset"), ("12", "Työttömät"),
    ("2", "Työvoiman ulkopuolella olevat"), ("21", "0-14 -vuotiaat"), ("22", "Opiskelijat, koululaiset"),
    ("25", "Varusmiehet, siviilipalvelusmiehet"), ("24", "Eläkeläiset"),
    ("99", "Muut työvoiman ulkopuolella olevat"),
]

#: 115r "Ikä": ten-year groups of the employed (live 115r metadata, DOMAIN.md); ``SSS`` is the total.
OCCUPATION_AGES: list[str] = ["18-24", "25-34", "35-44", "45-54", "55-64", "65-74"]

#: The classes of 12ti's "Ammattiryhmä" outside AML 2010 (recorded real 12ti, reference tyonv/):
#: jobseekers and vacancies whose occupation is not classified. Their texts are not recorded.
TYONV_X_OCCUPATIONS: list[str] = [
    "X011", "X111", "X121", "X131", "X211", "X212", "X311", "X411", "X511", "X521", "X531", "X541",
    "X611", "X621", "X999",
]

#: The contents of 12r5 in the order of the real table (reference statfin_px/statfin_tyonv_eckero.px).
TYONV_12R5_CONTENTS: list[tuple[str, str]] = [
    ("HAKIJALOPUSSA", "Työnhakijoita laskentapäivänä (lkm.)"),
    ("TYOTTOMATLOPUSSA", "Työttömät työnhakijat laskentapäivänä (lkm.)"),
    ("TYOVOIMATK", "TK:n Työssäkäyntitilaston työvoima (lkm.)"),
    ("TYOTOSUUS", "Työttömien työnhakijoiden %-osuus työvoimasta (%)"),
    ("TYOTTOMATMIEHET", "Työttömät työnhakijat, miehet (lkm.)"),
    ("TYOTTOMATNAISET", "Työttömät työnhakijat, naiset (lkm.)"),
    ("TYOTTOMAT20", "Alle 20-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMAT25", "Alle 25-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMAT50", "Yli 50-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMATSAIR", "Vamm./pitkäaik.sair. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMATULK", "Ulkomaalaisia työttömiä työnhakijoita laskentapäivänä (lkm.)"),
    ("PITKAAIKAISTYOTTOMAT", "Pitkäaikaistyöttömät (lkm.)"),
    ("KASSASSA", "Kassan jäseniä työttömistä työnhakijoista laskentapäivänä (lkm.)"),
    ("LOMAUTETTU", "Kokoaikaisesti lomautetut laskentapäivänä (lkm.)"),
    ("LYHTYOVKO", "Lyhennetyllä työviikolla laskentapäivänä (lkm.)"),
    ("TYOLLISTETTYLOP", "Työllistettynä olevat laskentapäivänä (lkm.)"),
    ("TYOHARJOITTELULOP", "Työharj./työelämävalmennuksessa olevat laskentapäivänä (lkm.)"),
    ("KOKEILULOP", "Työ- ja koulutuskokeilussa olevat laskentapäivänä (lkm.)"),
    ("TVKOULUTUSLOP", "Työvoimakoulutuksessa olevat laskentapäivänä (lkm.)"),
    ("VALMENNUSLOP", "Valmennuksessa olevat laskentapäivänä (lkm.)"),
    ("MTPPALVELUTLOP", "Muissa palveluissa olevat laskentapäivänä (lkm.)"),
    ("AVPAIKATLOPUSSA", "Avoimet työpaikat kuukauden laskentapäivänä (lkm.)"),
    ("UUDETAVP", "Uudet avoimet työpaikat kuukauden aikana (lkm.)"),
]

#: Text of an area code that is no area (its real text is not recorded).
NON_AREA_TEXT = "Tuntematon tai ulkomaat"
