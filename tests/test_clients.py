"""Who is connecting: forwarded addresses are believed from trusted proxies only."""

from __future__ import annotations

import pytest

from assetmap.clients import client_address
from assetmap.config import networks_from_setting

LOCAL_PROXY = networks_from_setting("127.0.0.1")
PROXIES = networks_from_setting("127.0.0.1, ::1, 10.0.0.0/8")


def forwarded(chain: str) -> list[tuple[str, str]]:
    return [("X-Forwarded-For", chain)]


def test_a_direct_client_is_its_own_address():
    assert client_address("203.0.113.7", [], LOCAL_PROXY) == "203.0.113.7"


def test_loopback_without_a_trusted_proxy_is_one_client_whatever_it_sends():
    spoofed = [*forwarded("198.51.100.1"), ("X-Real-IP", "198.51.100.2")]
    assert client_address(None, spoofed, ()) == "127.0.0.1"
    assert client_address(None, forwarded("198.51.100.3"), ()) == "127.0.0.1"
    assert client_address(None, [], ()) == "127.0.0.1"


def test_headers_from_an_untrusted_peer_are_ignored():
    spoofed = [*forwarded("198.51.100.1"), ("X-Real-IP", "198.51.100.2")]
    assert client_address("203.0.113.7", spoofed, LOCAL_PROXY) == "203.0.113.7"


def test_a_trusted_loopback_proxy_is_believed():
    assert client_address(None, forwarded("198.51.100.1"), LOCAL_PROXY) == "198.51.100.1"
    assert client_address(None, [("x-real-ip", "198.51.100.2")], LOCAL_PROXY) == "198.51.100.2"


def test_streamlits_missing_peer_counts_as_either_loopback_address():
    only_ipv6 = networks_from_setting("::1")
    assert client_address(None, forwarded("198.51.100.1"), only_ipv6) == "198.51.100.1"


def test_the_chain_is_read_from_the_right_past_trusted_proxies():
    chain = forwarded("1.1.1.1, 203.0.113.7, 10.0.0.5")
    assert client_address(None, chain, PROXIES) == "203.0.113.7"


def test_a_client_cannot_prepend_its_way_out():
    # nginx's $proxy_add_x_forwarded_for appends the real peer to what the client sent.
    sent_by_client = "198.51.100.1, 198.51.100.2"
    chain = forwarded(f"{sent_by_client}, 203.0.113.7")
    assert client_address(None, chain, LOCAL_PROXY) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_only_gives_its_first_address():
    assert client_address(None, forwarded("10.1.2.3, 10.0.0.5"), PROXIES) == "10.1.2.3"


def test_several_forwarded_lines_are_one_chain():
    headers = [*forwarded("198.51.100.1"), *forwarded("203.0.113.7")]
    assert client_address(None, headers, LOCAL_PROXY) == "203.0.113.7"


def test_forwarded_for_wins_over_real_ip():
    headers = [("X-Real-IP", "10.0.0.5"), *forwarded("203.0.113.7")]
    assert client_address(None, headers, LOCAL_PROXY) == "203.0.113.7"


@pytest.mark.parametrize(
    ("chain", "client"),
    [
        ("2001:db8::7", "2001:db8::7"),
        ("2001:DB8:0:0:0:0:0:7", "2001:db8::7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("203.0.113.7:4711", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("  203.0.113.7  ", "203.0.113.7"),
    ],
)
def test_the_ways_proxies_write_an_address(chain: str, client: str):
    assert client_address("::1", forwarded(chain), PROXIES) == client


def test_an_ipv6_peer_and_an_ipv4_mapped_peer():
    assert client_address("2001:db8::9", forwarded("203.0.113.7"), PROXIES) == "2001:db8::9"
    assert client_address("::ffff:10.0.0.5", forwarded("203.0.113.7"), PROXIES) == "203.0.113.7"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "unknown",
        "not an address",
        "203.0.113.300",
        "203.0.113.7:port",
        "[2001:db8::7",
        "[2001:db8::7]443",
        "203.0.113.7, <script>",
        "203.0.113.7,,",
        "\x00\xff" * 100,
        "1.2.3.4, " * 1000 + "???",
    ],
)
def test_a_malformed_forwarded_for_is_ignored(garbage: str):
    assert client_address(None, forwarded(garbage), LOCAL_PROXY) == "127.0.0.1"
    with_real_ip = [*forwarded(garbage), ("X-Real-IP", "203.0.113.7")]
    assert client_address(None, with_real_ip, LOCAL_PROXY) == "203.0.113.7"


def test_a_malformed_hop_left_of_the_client_does_not_matter():
    chain = forwarded("nonsense, 203.0.113.7")
    assert client_address(None, chain, LOCAL_PROXY) == "203.0.113.7"


@pytest.mark.parametrize("real_ip", ["", "unknown", "203.0.113.7, 198.51.100.1"])
def test_a_malformed_real_ip_is_ignored(real_ip: str):
    assert client_address(None, [("X-Real-IP", real_ip)], LOCAL_PROXY) == "127.0.0.1"


def test_two_real_ip_headers_are_not_believed():
    headers = [("X-Real-IP", "203.0.113.7"), ("X-Real-IP", "198.51.100.1")]
    assert client_address(None, headers, LOCAL_PROXY) == "127.0.0.1"


def test_a_peer_that_is_no_address_counts_with_loopback():
    assert client_address("garbage", forwarded("203.0.113.7"), LOCAL_PROXY) == "127.0.0.1"
