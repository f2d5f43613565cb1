"""Walking distances: how far one can walk from a service along paths and streets.

Pure maths on lines in a metric CRS: service areas are found with Dijkstra from every
service at once (networkx) and drawn as the walked lines, widened by a strip on each side.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

STRIP_METRES = 50.0
"""How far either side of a walked path counts as reached (front doors, small squares)."""
SNAP_METRES = 250.0
"""A service further than this from the network is not connected to it."""
NODE_PRECISION = 1.0
"""Line ends closer than a metre are the same junction."""


def _node(point: tuple[float, float]) -> tuple[float, float]:
    return (round(point[0] / NODE_PRECISION), round(point[1] / NODE_PRECISION))


def network_graph(lines_m: Iterable[LineString]) -> nx.Graph:
    """A graph whose nodes are line ends and whose edges are the lines with their lengths."""
    graph = nx.Graph()
    for line in lines_m:
        coordinates = list(line.coords)
        for start, end in itertools.pairwise(coordinates):
            segment = LineString([start, end])
            a, b = _node(start), _node(end)
            if a != b:
                graph.add_edge(a, b, length=segment.length, geometry=segment)
    return graph


def _nearest_nodes(graph: nx.Graph, services_m: gpd.GeoSeries) -> list[tuple[float, float]]:
    nodes = list(graph.nodes)
    if not nodes:
        return []
    # The junctions are whole metres, so never NaN; yet under load numpy now and then reports
    # a floating-point "invalid" flag left set by earlier GEOS work on this thread.
    with np.errstate(invalid="ignore"):
        tree = shapely.STRtree(shapely.points(np.array(nodes, dtype=float) * NODE_PRECISION))
    found, distances = tree.query_nearest(services_m.to_numpy(), return_distance=True)
    return [nodes[i] for i, d in zip(found[1], distances, strict=True) if d <= SNAP_METRES]


def walk_zone(graph: nx.Graph, services_m: gpd.GeoSeries, distance_m: float) -> BaseGeometry:
    """The streets and paths within `distance_m` walking of a service, with their strips."""
    sources = _nearest_nodes(graph, services_m)
    if not sources or distance_m <= 0:
        return shapely.Polygon()
    reached = nx.multi_source_dijkstra_path_length(
        graph, set(sources), cutoff=distance_m, weight="length"
    )
    pieces = []
    for a, b, data in graph.edges(data=True):
        left = [(reached[n], n) for n in (a, b) if n in reached]
        if not left:
            continue
        line: LineString = data["geometry"]
        if len(left) == 2 and all(d + data["length"] <= distance_m for d, _ in left):
            pieces.append(line)
            continue
        for walked, node in left:
            remaining = min(distance_m - walked, data["length"])
            from_start = _node(line.coords[0]) == node
            piece = (
                substring(line, 0, remaining)
                if from_start
                else substring(line, data["length"] - remaining, data["length"])
            )
            pieces.append(piece)
    return shapely.union_all(shapely.buffer(np.array(pieces, dtype=object), STRIP_METRES))


def lines_to_metric(lines_gdf: gpd.GeoDataFrame, crs: CRS) -> list[LineString]:
    return [part for geom in lines_gdf.to_crs(crs).geometry for part in shapely.get_parts(geom)]
