"""Finland's regions and the code of the whole country, as the statistics name them."""

from __future__ import annotations

__all__ = ["COUNTRY", "REGIONS"]

#: The whole country in StatFin area codes.
COUNTRY = "SSS"

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
