"""Connector figures on the relationship graph (networkx): orphans, key connectors, and areas
whose links all run through one person or association (key-person risk). Pure functions;
documents.py draws the graph.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd


def link_graph(assets: pd.DataFrame, links: pd.DataFrame) -> nx.Graph:
    """Assets as nodes (with name, kind and area), links as edges."""
    graph = nx.Graph()
    for row in assets.itertuples():
        graph.add_node(row.id, name=row.name, kind=row.kind, area_id=row.area_id)
    for row in links.itertuples():
        if row.from_id in graph and row.to_id in graph:
            graph.add_edge(row.from_id, row.to_id, type=row.type)
    return graph


def orphans(graph: nx.Graph) -> list[str]:
    """Assets with no link at all: the ones nobody has connected yet."""
    return sorted(node for node, degree in graph.degree() if degree == 0)


def key_connectors(graph: nx.Graph, top: int = 10) -> pd.DataFrame:
    """The assets most often on the shortest path between two others (betweenness)."""
    if graph.number_of_edges() == 0:
        return pd.DataFrame(columns=["id", "name", "links", "betweenness"])
    centrality = nx.betweenness_centrality(graph, normalized=True)
    rows = [
        {
            "id": node,
            "name": graph.nodes[node]["name"],
            "links": graph.degree(node),
            "betweenness": round(value, 4),
        }
        for node, value in centrality.items()
        if graph.degree(node) > 0
    ]
    table = pd.DataFrame(rows).sort_values(
        ["betweenness", "links", "name"], ascending=[False, False, True]
    )
    return table.head(top).reset_index(drop=True)


def key_person_risks(graph: nx.Graph, min_links: int = 2) -> pd.DataFrame:
    """Areas where every link touching the area's assets goes through one single asset."""
    rows = []
    areas = {data["area_id"] for _, data in graph.nodes(data=True) if data["area_id"]}
    for area in sorted(areas):
        members = {n for n, data in graph.nodes(data=True) if data["area_id"] == area}
        edges = [(a, b) for a, b in graph.edges() if a in members or b in members]
        if len(edges) < min_links:
            continue
        shared = set(edges[0]).intersection(*map(set, edges[1:]))
        for hub in sorted(shared):
            rows.append(
                {
                    "area_id": area,
                    "hub_id": hub,
                    "hub_name": graph.nodes[hub]["name"],
                    "hub_kind": graph.nodes[hub]["kind"],
                    "links": len(edges),
                }
            )
    return pd.DataFrame(rows, columns=["area_id", "hub_id", "hub_name", "hub_kind", "links"])
