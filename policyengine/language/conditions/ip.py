"""IpAddress / NotIpAddress: IPv4 and IPv6 CIDR blocks; an address alone means /32 or /128."""

from __future__ import annotations

import ipaddress

from .base import Comparison, Family, remembered


def to_network(value):
    if not isinstance(value, str):
        raise ValueError(f"expected an IP address or CIDR block, got {type(value).__name__}")
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR block") from None


def to_address(value):
    if not isinstance(value, str):
        raise ValueError(f"expected an IP address, got {type(value).__name__}")
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None


def _inside(address, network) -> bool:
    return address.version == network.version and address in network


IP = Family("IPAddress", prepare=to_network, coerce=remembered(to_address))

COMPARISONS = [
    Comparison("IpAddress", IP, _inside),
    Comparison("NotIpAddress", IP, _inside, negated=True),
]
