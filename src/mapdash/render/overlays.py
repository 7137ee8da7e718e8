"""What the map shades under its places: the admin-1 divisions (governorates, provinces) the mentions name.

The polygons come from the shipped Natural Earth file (``assets.admin1_shape``); only the divisions in
view are sent to the browser, each in its place's phase colour.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from mapdash.model import Col
from mapdash.render import assets
from mapdash.render.popups import text as _text


def darker(color: str, factor: float = 0.6) -> str:
    """Return a #rrggbb colour darkened, so a light phase colour (Context's grey) still outlines its province."""
    if not (color.startswith("#") and len(color) == 7):
        return color
    return "#" + "".join(f"{int(int(color[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def admin1_collection(gdf: gpd.GeoDataFrame, features: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the polygons of the admin-1 divisions (governorates, provinces) the mentions name."""
    if not len(gdf) or Col.FEATURE not in gdf:
        return {"type": "FeatureCollection", "features": []}
    colors = {f["properties"]["place_id"]: (f["properties"]["color"], f["properties"]["phase"]) for f in features}
    named = gdf[(gdf[Col.FEATURE] == "admin1") & gdf[Col.PLACE_ID].isin(list(colors))]
    shapes = []
    for place_id, row in named.drop_duplicates(Col.PLACE_ID).set_index(Col.PLACE_ID).iterrows():
        geometry = assets.admin1_shape(
            row.get(Col.GEONAMEID), _text(row.get(Col.COUNTRY_CODE)), _text(row.get(Col.PLACE_NAME))
        )
        if geometry is not None:
            color, phase = colors[place_id]
            properties = {
                "place_id": place_id,
                "name": _text(row.get(Col.PLACE_NAME)),
                "color": color,
                "stroke": darker(color),
                "phase": phase,
            }
            shapes.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": shapes}
