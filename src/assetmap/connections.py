"""Connector figures on the relationship graph (networkx): orphans, key connectors, and areas
whose links all run through one person or association (key-person risk). Pure functions.
"""

from __future__ import annotations

import html

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


def graph_svg(
    graph: nx.Graph, colours: dict[str, str], title: str, width: int = 720, height: int = 480
) -> str:
    """The linked part of the graph as an SVG drawing (spring layout), labels escaped."""
    linked = graph.subgraph([n for n, d in graph.degree() if d > 0])
    if linked.number_of_nodes() == 0:
        return ""
    layout = nx.spring_layout(linked, seed=7)
    xs = [p[0] for p in layout.values()]
    ys = [p[1] for p in layout.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(node: str) -> tuple[float, float]:
        x, y = layout[node]
        return 40 + (x - min(xs)) / span_x * (width - 80), 30 + (y - min(ys)) / span_y * (
            height - 60
        )

    parts = []
    for a, b in linked.edges():
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#999" stroke-width="1.5"/>'
        )
    for node, data in linked.nodes(data=True):
        x, y = at(node)
        fill = colours.get(data["kind"], "#777")
        label = html.escape(str(data["name"]))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{fill}" stroke="#1a1a1a"/>'
            f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" font-size="12" font-family="sans-serif">'
            f"{label}</text>"
        )
    label = html.escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" width="100%" style="max-width:{width}px">'
        f"<title>{label}</title>{''.join(parts)}</svg>"
    )
