"""What the map shades under its places: the admin-1 divisions (governorates, provinces) the mentions name.

The polygons come from the shipped Natural Earth file (``assets.admin1_shape``); only the divisions in
view are sent to the browser, each in its place's phase colour.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from mapdash.render import assets
from mapdash.render.popups import text as _text


def darker(color: str, factor: float = 0.6) -> str:
    """Return a #rrggbb colour darkened, so a light phase colour (Context's grey) still outlines its province."""
    if not (color.startswith("#") and len(color) == 7):
        return color
    return "#" + "".join(f"{int(int(color[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def admin1_collection(gdf: gpd.GeoDataFrame, features: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the polygons of the admin-1 divisions (governorates, provinces) the mentions name."""
    if not len(gdf) or "feature" not in gdf:
        return {"type": "FeatureCollection", "features": []}
    colors = {f["properties"]["place_id"]: (f["properties"]["color"], f["properties"]["phase"]) for f in features}
    named = gdf[(gdf["feature"] == "admin1") & gdf["place_id"].isin(list(colors))]
    shapes = []
    for place_id, row in named.drop_duplicates("place_id").set_index("place_id").iterrows():
        geometry = assets.admin1_shape(
            row.get("geonameid"), _text(row.get("country_code")), _text(row.get("place_name"))
        )
        if geometry is not None:
            color, phase = colors[place_id]
            properties = {
                "place_id": place_id,
                "name": _text(row.get("place_name")),
                "color": color,
                "stroke": darker(color),
                "phase": phase,
            }
            shapes.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": shapes}
