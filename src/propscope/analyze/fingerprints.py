"""Operator fingerprints in text: cryptocurrency addresses, donation handles, messaging channels.

Sites and accounts run by one operator often ask for money or attention in the same
place: one wallet, one PayPal.me or Patreon page, one Telegram channel. Found on two
sources, such an identifier ties them together the way a shared analytics ID does,
and it is shown beside the tracking IDs (never as a judgement of either source).

Precision matters more than recall here (a false tie is an accusation), so addresses
are kept only when their own checksum holds:

* Bitcoin legacy (P2PKH/P2SH) and Tron addresses: Base58Check (double SHA-256);
* Bitcoin SegWit addresses: Bech32 (BIP-173) or Bech32m (BIP-350) checksums;
* Ethereum addresses: EIP-55 mixed-case checksum (Keccak-256); an all-lower or
  all-upper address has no checksum and is kept as written by the format;
* Monero standard, subaddress and integrated addresses: Monero's block Base58 (8-byte
  blocks as 11 characters), network byte 18/42/19, and a Keccak-256 checksum of the rest.

Handles and channels come from links already found by the URL finder, by host:
``paypal.me``, ``patreon.com``, ``ko-fi.com``, ``buymeacoffee.com``, ``boosty.to``;
``t.me``/``telegram.me``, ``wa.me``/``chat.whatsapp.com``, ``signal.me``/``signal.group``.
Every finder is one regex scan with no nested quantifiers: linear in the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .text_patterns import Found

# -- Keccak-256 (FIPS 202's permutation with the original Keccak padding, as Ethereum uses)
_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
        [27, 20, 39, 8, 14]]
_MASK = (1 << 64) - 1


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _keccak_f(a: list[list[int]]) -> None:
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                a[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotl(a[x][y], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 (rate 136 bytes, padding 0x01 ... 0x80), the hash of EIP-55."""
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\x00" * ((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(padded), rate):
        block = padded[off:off + rate]
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        _keccak_f(a)
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eip55_valid(address: str) -> bool:
    """True when a ``0x`` address's letter case matches its EIP-55 checksum."""
    hexpart = address[2:]
    digest = keccak256(hexpart.lower().encode()).hex()
    return all(ch.isdigit() or (ch.isupper() == (int(digest[i], 16) >= 8))
               for i, ch in enumerate(hexpart))


# -- Base58Check ------------------------------------------------------------------
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def base58check_payload(text: str) -> bytes | None:
    """The payload of a Base58Check string (version byte included), or None if invalid."""
    n = 0
    for ch in text:
        n = n * 58 + _B58_INDEX[ch]
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(text) - len(text.lstrip("1"))) + raw
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


# -- Bech32 / Bech32m -------------------------------------------------------------
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: Iterable[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= _GEN[i] if (top >> i) & 1 else 0
    return chk


def bech32_valid(address: str) -> bool:
    """True for a Bitcoin SegWit address whose Bech32 (v0) or Bech32m (v1+) checksum holds."""
    if address.lower() != address and address.upper() != address:
        return False  # mixed case is invalid by BIP-173
    addr = address.lower()
    hrp, _, data = addr.rpartition("1")
    if hrp != "bc" or len(data) < 7 or any(c not in _BECH32 for c in data):
        return False
    values = [_BECH32.index(c) for c in data]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _polymod(expanded + values)
    version = values[0]
    return (version == 0 and const == 1) or (0 < version <= 16 and const == 0x2BC830A3)


# -- Monero -------------------------------------------------------------------------
# Monero's Base58 encodes 8-byte blocks as 11 characters; a last, shorter block of n
# bytes takes _XMR_BLOCK_CHARS[n] characters.
_XMR_BLOCK_CHARS = [0, 2, 3, 5, 6, 7, 9, 10, 11]
_XMR_NET = {18: "standard", 42: "subaddress", 19: "integrated"}
_XMR_LENGTHS = {95: 69, 106: 77}  # characters -> bytes (standard/subaddress, integrated)


def monero_decode(text: str) -> bytes | None:
    """The bytes of a Monero Base58 string, or None when it is not one."""
    out = bytearray()
    for off in range(0, len(text), 11):
        block = text[off:off + 11]
        if len(block) not in _XMR_BLOCK_CHARS:
            return None
        size = _XMR_BLOCK_CHARS.index(len(block))
        n = 0
        for ch in block:
            if ch not in _B58_INDEX:
                return None
            n = n * 58 + _B58_INDEX[ch]
        if n >= 1 << (8 * size):
            return None
        out += n.to_bytes(size, "big")
    return bytes(out)


def monero_valid(address: str) -> str | None:
    """The kind of a checksum-valid Monero mainnet address (``standard``, ``subaddress``,
    ``integrated``), or None."""
    expected = _XMR_LENGTHS.get(len(address))
    if expected is None or address[0] not in "48":
        return None
    raw = monero_decode(address)
    if raw is None or len(raw) != expected or raw[0] not in _XMR_NET:
        return None
    if (raw[0] == 19) != (len(address) == 106):
        return None
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return _XMR_NET[raw[0]]


# -- finders ------------------------------------------------------------------------
# Candidates: runs of ASCII letters and digits that start as an address can (``0x``,
# ``bc1``/``BC1``, ``1``, ``3``, ``T``). Starting with a character set lets the regex
# engine skip every other position quickly (ordinary text costs little: 180 MB/s
# here); a run glued to a letter or digit on its left is a piece of a longer one and
# is skipped, and the greedy run is maximal on its right.
_RUN = re.compile(r"[01348TbB][0-9A-Za-z]{13,}")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HEX40 = re.compile(r"0x[0-9a-fA-F]{40}")
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]{26,35}")
_BECH_CHARS = re.compile(r"(?:bc|BC)1[0-9A-Za-z]{11,71}")


def find_crypto_addresses(text: str) -> list[Found]:
    """Checksum-valid Bitcoin, Ethereum, Tron and Monero addresses, with their spans."""
    out: list[Found] = []
    for m in _RUN.finditer(text):
        value = m.group(0)
        if len(value) > 106 or (m.start() > 0 and text[m.start() - 1] in _ALNUM):
            continue
        if len(value) in _XMR_LENGTHS:
            if value[0] in "48" and monero_valid(value):
                out.append(Found(m.start(), m.end(), value, "xmr:" + value, subtype="xmr"))
            continue
        if value[0] in "48":
            continue
        if _HEX40.fullmatch(value):
            hexpart = value[2:]
            if hexpart != hexpart.lower() and hexpart != hexpart.upper() and not eip55_valid(value):
                continue
            out.append(Found(m.start(), m.end(), value, "eth:" + value.lower(), subtype="eth"))
        elif _BECH_CHARS.fullmatch(value):
            if bech32_valid(value):
                out.append(Found(m.start(), m.end(), value, "btc:" + value.lower(),
                                 subtype="btc"))
        elif value[0] in "13T" and _BASE58.fullmatch(value):
            payload = base58check_payload(value)
            if payload is None or len(payload) != 21:
                continue
            version = payload[0]
            if value[0] in "13" and version in (0x00, 0x05):
                out.append(Found(m.start(), m.end(), value, "btc:" + value, subtype="btc"))
            elif value[0] == "T" and version == 0x41:
                out.append(Found(m.start(), m.end(), value, "trx:" + value, subtype="trx"))
    return out


#: host -> (kind, subtype). Paths that are not a handle (``/s/``, ``/joinchat`` for
#: Telegram's share pages) are left out below.
LINK_FINGERPRINTS: dict[str, tuple[str, str]] = {
    "paypal.me": ("payment_handle", "paypal"),
    "patreon.com": ("payment_handle", "patreon"),
    "ko-fi.com": ("payment_handle", "ko-fi"),
    "buymeacoffee.com": ("payment_handle", "buymeacoffee"),
    "boosty.to": ("payment_handle", "boosty"),
    "t.me": ("messaging_channel", "telegram"),
    "telegram.me": ("messaging_channel", "telegram"),
    "wa.me": ("messaging_channel", "whatsapp"),
    "chat.whatsapp.com": ("messaging_channel", "whatsapp"),
    "signal.me": ("messaging_channel", "signal"),
    "signal.group": ("messaging_channel", "signal"),
}
_NOT_HANDLES = {"s", "share", "joinchat", "login", "home", "posts", "c", "search", "about",
                "explore", "settings", "join", "iframe", "embed"}
_HANDLE = re.compile(r"[A-Za-z0-9_.+\-]{2,64}")


def link_fingerprints(urls: Iterable[Found]) -> list[tuple[str, Found]]:
    """``(kind, found)`` for links that name a donation page or a messaging channel."""
    out = []
    for u in urls:
        raw = u.value if "://" in u.value else "https://" + u.value
        try:
            parts = urlsplit(raw)
        except ValueError:
            continue
        host = (parts.hostname or "").lower()
        host = host[4:] if host.startswith("www.") else host
        spec = LINK_FINGERPRINTS.get(host)
        if spec is None:
            continue
        kind, subtype = spec
        segment = parts.path.strip("/").split("/", 1)[0]
        if host in ("signal.me", "signal.group"):
            segment = segment or parts.fragment.strip("#/")[:64]
        if (not segment or segment.lower() in _NOT_HANDLES
                or not _HANDLE.fullmatch(segment.lstrip("+@"))):
            continue
        norm = f"{subtype}:{segment.lstrip('@').lower()}"
        out.append((kind, Found(u.start, u.end, u.value, norm, domain=host, subtype=subtype)))
    return out
