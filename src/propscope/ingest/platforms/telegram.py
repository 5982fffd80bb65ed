"""Telegram Desktop "Export chat history" in machine-readable JSON (``result.json``).

One JSON object per chat: ``name``, ``type``, ``id`` and a ``messages`` array,
streamed item by item (:mod:`.jsonscan`), so a channel's multi-GB history is read
in constant memory. A message's text is either a string or a list of strings and
entity objects; ``text_entities`` (newer exports) is the same as a flat list of
``{type, text, href}``, from which links (``link``, ``text_link``), hashtags and
mentions are taken. ``forwarded_from`` makes a ``forward`` (whose original message
ID the export does not give), ``reply_to_message_id`` a ``reply`` in the same chat.
Service messages (joins, pins, title changes) are not posts and are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any, BinaryIO

from ...document import Rejected
from ..dates import first_given
from ..records import ReadOptions
from .base import Post, as_str, iso, metrics_of, post_document, unique
from .jsonin import Items, parse_json, parsed, too_large
from .jsonscan import Scan, iter_array_items

PLATFORM = "telegram"
_CHAT_TYPES = (b"personal_chat", b"bot_chat", b"saved_messages", b"private_group",
               b"private_supergroup", b"public_supergroup", b"private_channel",
               b"public_channel")
_TYPE = re.compile(rb'"type"\s*:\s*"([a-z_]+)"')


def _header(raw: bytes) -> dict[str, Any]:
    """The chat's ``name``, ``type`` and ``id``: the header is an unterminated object
    (``{"name": ..., "messages": [``), closed here so it parses."""
    text = raw.rstrip()
    cut = text.rfind(b",")
    if cut < 0:
        return {}
    try:
        value, _ = parse_json(text[:cut] + b"}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions) -> Items:
    """Every message of a chat export, streamed."""
    scan = Scan()
    chat: dict[str, Any] | None = None
    for index, raw in iter_array_items(stream, b"messages", scan, options.max_record_bytes):
        if chat is None:
            chat = _header(scan.header)
        recno = str(index)
        if raw is None:
            yield too_large(name, recno, "message", options.max_record_bytes)
        else:
            yield from parsed(partial(message_items, chat=chat), raw, name, recno,
                              "JSON in message")
    if not scan.found:
        yield Rejected(name, "", "no 'messages' array found: not a single-chat Telegram "
                                 "export (export one chat, or the full export's chats "
                                 "one by one)")
    elif scan.truncated:
        yield Rejected(name, "", "file ends inside the messages array (cut short?); "
                                 "messages before the cut were kept")


def _parts(message: Mapping[str, Any]) -> list[Any]:
    entities = message.get("text_entities")
    if isinstance(entities, list):
        return entities
    text = message.get("text")
    if isinstance(text, list):
        return text
    return [text] if isinstance(text, str) else []


def _text_and_entities(message: Mapping[str, Any]) -> tuple[str, list[Mapping[str, Any]]]:
    pieces: list[str] = []
    entities: list[Mapping[str, Any]] = []
    for part in _parts(message):
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, Mapping):
            pieces.append(str(part.get("text") or ""))
            entities.append(part)
    return "".join(pieces), entities


def message_items(message: Any, name: str, recno: str, *, chat: Mapping[str, Any]) -> Items:
    """The post of one message (nothing for a service message)."""
    if not isinstance(message, Mapping):
        yield Rejected(name, recno, f"message is a {type(message).__name__}, not an object")
        return
    if message.get("type", "message") != "message":
        return
    chat_id = as_str(chat.get("id")) or "chat"
    msg_id = as_str(message.get("id"))
    if msg_id is None:
        yield Rejected(name, recno, "telegram message without an id; skipped")
        return
    chat_name = as_str(chat.get("name"))
    text, entities = _text_and_entities(message)
    post = Post(PLATFORM, f"{chat_id}/{msg_id}", author=as_str(message.get("from")),
                author_name=as_str(message.get("author")) or as_str(message.get("from")),
                author_id=as_str(message.get("from_id")), channel=chat_name)
    forwarded = as_str(message.get("forwarded_from"))
    reply_to = as_str(message.get("reply_to_message_id"))
    if forwarded:
        post.relation, post.parent_author = "forward", forwarded
    elif reply_to:
        peer = as_str(message.get("reply_to_peer_id")) or chat_id
        post.relation, post.parent_id = "reply", f"{peer}/{reply_to}"
    post.links = unique(e.get("href") if e.get("type") == "text_link" else e.get("text")
                        for e in entities if e.get("type") in ("link", "text_link"))
    post.hashtags = unique(str(e.get("text", "")).lstrip("#") for e in entities
                           if e.get("type") == "hashtag")
    post.mentions = unique(str(e.get("text", "")).lstrip("@") for e in entities
                           if e.get("type") in ("mention", "mention_name"))
    post.metrics = metrics_of(message, ("views", "forwards"))
    reactions = message.get("reactions")
    if isinstance(reactions, list):
        total = sum(r.get("count", 0) for r in reactions
                    if isinstance(r, Mapping) and isinstance(r.get("count"), int))
        post.metrics["reactions"] = total
    edited = message.get("edited_unixtime") or message.get("edited")
    if edited:
        post.edited, post.edited_at = True, iso(edited)
    is_channel = "channel" in str(chat.get("type", ""))
    source = chat_name if is_channel or post.author is None else post.author
    published = first_given(message.get("date_unixtime"), message.get("date"))
    yield from post_document(text, post, name, recno, published=published, source=source)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """A chat object: ``messages`` plus a Telegram chat type, or message fields."""
    if "messages" not in keys:
        return False
    found = _TYPE.search(head)
    return (found is not None and found.group(1) in _CHAT_TYPES) or bool(
        keys & {"date_unixtime", "text_entities", "from_id"})


