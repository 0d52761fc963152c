"""China's administrative regions (GB/T 2260 codes: province, city, county), for addresses and shipping rules.

The data is npm's ``china-area-data`` 5.0.1 (MIT, National Bureau of Statistics, October 2019), vendored in
``data/china_regions.json`` as it ships: ``{"86": {province code: name}, province code: {city code: name},
city code: {county code: name}}``. Two cities have no counties (东莞, 中山: their children are 9-digit
street codes) and Taiwan's cities have none listed: an address there carries the city's own code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "china_regions.json"
COUNTRY = "86"


@cache
def _tree() -> dict[str, dict[str, str]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def regions_json() -> bytes:
    """The tree as served to the address form's pickers."""
    return DATA.read_bytes()


def _counties(city_code: str) -> dict[str, str]:
    """A city's counties; none where the data lists only streets (9-digit codes) or nothing."""
    return {code: name for code, name in _tree().get(city_code, {}).items() if len(code) == 6}


def region_names(code: str) -> tuple[str, str, str] | None:
    """(province, city, county) of a county-level code, or of a city that has no counties (county ""). None
    for anything else: an unknown code, a province, a city that has counties."""
    tree = _tree()
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    province_code = code[:2] + "0000"
    province = tree[COUNTRY].get(province_code)
    if province is None:
        return None
    for city_code, city in tree.get(province_code, {}).items():
        # A municipality's cities are "市辖区" / "县" in the data: an address names the municipality twice.
        shown = province if city in ("市辖区", "县") else city
        if city_code == code:
            return (province, shown, "") if not _counties(city_code) else None
        county = _counties(city_code).get(code)
        if county is not None:
            return province, shown, county
    return None
