"""Who is connecting: a client's address from the connection and the proxies in front of it.

Anyone can send an X-Forwarded-For header, so forwarded addresses are believed only from the
reverse proxies the deployment names (ASSETMAP_TRUSTED_PROXIES). Everything here is pure:
the web layer passes the peer address and the request headers in.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

LOOPBACK = (ip_address("127.0.0.1"), ip_address("::1"))
"""Streamlit gives no peer address for these two, nor when there is no client at all."""


def client_address(
    peer: str | None, headers: Iterable[tuple[str, str]], trusted: Iterable[Network]
) -> str:
    """The client's address, written one way (IPv4 inside IPv6 as IPv4).

    `peer` is the address the connection comes from (None for loopback, as Streamlit says
    it). Only when the peer is a trusted proxy are its forwarded headers believed:
    X-Forwarded-For read from the right, past the trusted proxies, to the first address that
    is not one; else X-Real-IP. A malformed header is ignored. Sessions whose address is not
    known this way all get the loopback address, so they count as one client.
    """
    networks = tuple(trusted)
    candidates = LOOPBACK if peer is None else (parse_address(peer),)
    peer_address = next((a for a in candidates if a and _is_trusted(a, networks)), None)
    if peer_address is None:
        return str(candidates[0] or LOOPBACK[0])
    forwarded = _forwarded_client(headers, networks)
    return str(forwarded or peer_address)


def _forwarded_client(
    headers: Iterable[tuple[str, str]], networks: tuple[Network, ...]
) -> Address | None:
    forwarded_for: list[str] = []
    real_ip: list[str] = []
    for name, value in headers:
        if name.lower() == "x-forwarded-for":
            forwarded_for.extend(value.split(","))
        elif name.lower() == "x-real-ip":
            real_ip.append(value)
    return _from_chain([parse_address(hop) for hop in forwarded_for], networks) or (
        parse_address(real_ip[0]) if len(real_ip) == 1 else None
    )


def _from_chain(chain: list[Address | None], networks: tuple[Network, ...]) -> Address | None:
    """The first address from the right that is no trusted proxy; the leftmost when all are.

    Each proxy appends the address it was reached from, so only the right end of the chain is
    known to be true: a malformed hop there makes the whole chain worthless.
    """
    for hop in reversed(chain):
        if hop is None:
            return None
        if not _is_trusted(hop, networks):
            return hop
    return chain[0] if chain else None


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def is_trusted_peer(peer: str, networks: tuple[Network, ...]) -> bool:
    """Whether the direct peer (as a server reports it) is one of the trusted proxies."""
    address = parse_address(peer)
    return address is not None and _is_trusted(address, networks)


def parse_address(text: str) -> Address | None:
    """An address as proxies write it ("203.0.113.7", "203.0.113.7:4711", "[2001:db8::1]:443"),
    or None for anything else."""
    host = text.strip()
    port = ""
    if host.startswith("["):
        host, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else "0"
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    if port and not port.isdigit():
        return None
    try:
        address = ip_address(host)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
