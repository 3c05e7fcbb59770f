"""Finland's regions and the code of the whole country, as the statistics name them."""

from __future__ import annotations

from punos_lib.errors import InputError

__all__ = ["COUNTRY", "COUNTRY_NAME", "GENITIVES", "REGIONS", "genitive", "require_region"]

#: The whole country in StatFin area codes.
COUNTRY = "SSS"
#: How the study names the whole country in figures and tables (StatFin's label is "KOKO MAA").
COUNTRY_NAME = "Koko maa"

#: The 19 regions (maakunnat) of Finland in 2025: code → Finnish name.
#: Source: Statistics Finland, regional classification (maakunnat 2025), CC BY 4.0.
REGIONS: dict[str, str] = {
    "MK01": "Uusimaa",
    "MK02": "Varsinais-Suomi",
    "MK04": "Satakunta",
    "MK05": "Kanta-Häme",
    "MK06": "Pirkanmaa",
    "MK07": "Päijät-Häme",
    "MK08": "Kymenlaakso",
    "MK09": "Etelä-Karjala",
    "MK10": "Etelä-Savo",
    "MK11": "Pohjois-Savo",
    "MK12": "Pohjois-Karjala",
    "MK13": "Keski-Suomi",
    "MK14": "Etelä-Pohjanmaa",
    "MK15": "Pohjanmaa",
    "MK16": "Keski-Pohjanmaa",
    "MK17": "Pohjois-Pohjanmaa",
    "MK18": "Kainuu",
    "MK19": "Lappi",
    "MK21": "Ahvenanmaa",
}

#: The genitive of each region's name ("Etelä-Savon väkiluku"), for sentences written from data.
#: Finnish grammar (Kielitoimiston sanakirja); the names are Statistics Finland's.
GENITIVES: dict[str, str] = {
    "MK01": "Uudenmaan",
    "MK02": "Varsinais-Suomen",
    "MK04": "Satakunnan",
    "MK05": "Kanta-Hämeen",
    "MK06": "Pirkanmaan",
    "MK07": "Päijät-Hämeen",
    "MK08": "Kymenlaakson",
    "MK09": "Etelä-Karjalan",
    "MK10": "Etelä-Savon",
    "MK11": "Pohjois-Savon",
    "MK12": "Pohjois-Karjalan",
    "MK13": "Keski-Suomen",
    "MK14": "Etelä-Pohjanmaan",
    "MK15": "Pohjanmaan",
    "MK16": "Keski-Pohjanmaan",
    "MK17": "Pohjois-Pohjanmaan",
    "MK18": "Kainuun",
    "MK19": "Lapin",
    "MK21": "Ahvenanmaan",
}


def require_region(code: object) -> str:
    """``code`` when it is one of :data:`REGIONS`; otherwise an :class:`InputError` listing the codes.

    Examples
    --------
    >>> require_region("MK10")
    'MK10'
    """
    if not isinstance(code, str) or code not in REGIONS:
        raise InputError(f"{code!r} is not a region code; use one of {', '.join(REGIONS)}")
    return code


def genitive(code: str) -> str:
    """The genitive of a region's name, e.g. ``genitive("MK10") == "Etelä-Savon"``."""
    return GENITIVES[require_region(code)]
