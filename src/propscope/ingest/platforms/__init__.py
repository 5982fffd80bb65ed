"""Platform and collection-tool exports, detected by content (see :data:`FORMATS`).

Each module reads one export format into :class:`~propscope.document.Document`
objects carrying the common post model (:class:`.base.Post`, in
``Document.meta["post"]``), which the ingest writer stores in the ``posts``
table. Detection looks at the file's first 8 KB, not its name: the JSON keys
found there (or the CSV header) against each format's ``sniff`` test, in table
order, most specific first. A file no test claims falls back to the generic
JSON Lines / CSV readers, as before.

Adding a format is one module with ``iter_documents`` and ``sniff`` and one row
in :data:`FORMATS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ...document import Document, Rejected
from ..records import ReadOptions
from . import (
    bluesky,
    crowdtangle,
    fourcat,
    mastodon,
    metacl,
    reddit,
    telegram,
    tiktok,
    twitter,
    youtube,
    ytdlp,
)

Reader = Callable[[BinaryIO, str, ReadOptions], Iterator[Document | Rejected]]
Sniff = Callable[[frozenset[str], bytes], bool]


@dataclass(frozen=True)
class Format:
    """One export format: how it is recognised and what is read from it."""

    name: str
    platform: str
    kind: str  # "json" (one document or JSON Lines) or "csv": which sniffs apply
    sniff: Sniff
    reader: Reader
    detected_by: str
    fields: str  # post model field <- source field, as shown by `propscope formats`


FORMATS: tuple[Format, ...] = (
    Format("telegram", "telegram", "json", telegram.sniff, telegram.iter_documents,
           "object with 'messages' and a Telegram chat 'type' (public_channel, ...)",
           "post_id<-chat id/id, text<-text_entities|text, published<-date_unixtime|date, "
           "author<-from, author_id<-from_id, channel<-chat name, forward<-forwarded_from, "
           "reply<-reply_to_message_id, links<-link/text_link entities, hashtags, mentions, "
           "edited<-edited, metrics<-views/forwards/reactions"),
    Format("x-v2", "x", "json", twitter.sniff, twitter.iter_documents,
           "keys 'author_id' + 'text' + a v2 field (conversation_id, edit_history_tweet_ids, "
           "referenced_tweets, public_metrics, __twarc)",
           "post_id<-id, text<-note_tweet.text|text (retweets: the original's), "
           "published<-created_at, author<-includes.users/author .username, "
           "author_name<-.name, relation<-referenced_tweets (retweeted/replied_to/quoted), "
           "root_id<-conversation_id, links<-entities.urls unwound_url|expanded_url, "
           "meta.url_expansions<-entities.urls url->unwound_url|expanded_url, hashtags, mentions, metrics<-public_metrics, status<-withheld, errors->quarantine"),
    Format("bluesky", "bluesky", "json", bluesky.sniff, bluesky.iter_documents,
           "'app.bsky.feed.' in the first 8 KB with uri/record/value/post keys",
           "post_id<-uri, text<-record.text, published<-record.createdAt "
           "(reposts: reason.indexedAt), author<-author.handle, reply<-record.reply.parent/root, "
           "quote<-record.embed record uri, repost<-reason reasonRepost, links/mentions/"
           "hashtags<-facets, metrics<-reply/repost/like/quoteCount"),
    Format("mastodon", "mastodon", "json", mastodon.sniff, mastodon.iter_documents,
           "keys 'in_reply_to_id', 'reblog' and 'acct'",
           "post_id<-id, text<-spoiler_text + content (HTML to text), published<-created_at, "
           "author<-account.acct, repost<-reblog, reply<-in_reply_to_id, quote<-quote."
           "quoted_status, links<-content <a href> + card.url, hashtags<-tags, "
           "mentions<-mentions.acct, edited<-edited_at, metrics<-replies/reblogs/favourites, "
           "declared_bot<-account.bot"),
    Format("reddit", "reddit", "json", reddit.sniff, reddit.iter_documents,
           "key 'subreddit' with link_id/parent_id/selftext/num_comments",
           "post_id<-name|t1_/t3_+id, text<-title+selftext | body, published<-created_utc, "
           "author<-author, channel<-subreddit, reply<-parent_id (root<-link_id), "
           "repost<-crosspost_parent, links<-url + URLs in text, status<-[removed]/[deleted], "
           "metrics<-score/num_comments/..."),
    Format("youtube", "youtube", "json", youtube.sniff, youtube.iter_documents,
           "'\"kind\": \"youtube#' in the first 8 KB",
           "video: post_id<-id, text<-title+description, author<-snippet.channelTitle, "
           "hashtags<-snippet.tags, metrics<-statistics; comment: reply<-snippet.parentId "
           "else the video, root<-videoId, text<-textOriginal, edited<-updatedAt"),
    Format("yt-dlp", "(extractor)", "json", ytdlp.sniff, ytdlp.iter_documents,
           "keys 'extractor'/'extractor_key' with webpage_url/formats/uploader",
           "post_id<-id, text<-title+description, published<-timestamp|upload_date, "
           "author<-uploader_id, hashtags<-tags, metrics<-view/like/comment_count; "
           "comments[]: reply<-parent ('root' = the video)"),
    Format("tiktok-research", "tiktok", "json", tiktok.sniff, tiktok.iter_documents,
           "keys video_description/region_code with create_time (or comment fields)",
           "post_id<-id, text<-video_description, published<-create_time, "
           "author<-username, hashtags<-hashtag_names, metrics<-view/like/comment/share_count; "
           "comments: reply<-parent_comment_id, root<-video_id"),
    Format("4cat-ndjson", "(data source)", "json", fourcat.sniff, fourcat.iter_ndjson,
           "keys 'thread_id' and 'body'",
           "post_id<-id, text<-subject+body, published<-unix_timestamp|timestamp, "
           "author<-author, reply<-thread_id when it differs from id"),
    Format("crowdtangle-csv", "facebook/instagram", "csv", crowdtangle.sniff,
           crowdtangle.iter_documents,
           "CSV header with 'Post Created' and Page Name/User Name/Account",
           "post_id<-URL, text<-Message|Description|Image Text, published<-Post Created, "
           "author<-User Name, author_name<-Page Name|Account, author_id<-Facebook Id, "
           "links<-Final Link|Link, meta.url_expansions<-short Link->Final Link, "
           "metrics<-Likes/Comments/Shares/reactions/views"),
    Format("meta-content-library-csv", "facebook/instagram", "csv", metacl.sniff,
           metacl.iter_documents,
           "CSV header with 'creation_time' and post_owner.* columns",
           "post_id<-id, text<-text, published<-creation_time, author<-post_owner.username|"
           "name, author_id<-post_owner.id, repost<-shared_post_id, links<-link_attachment."
           "link, edited<-modified_time, metrics<-statistics.*"),
    Format("4cat-csv", "(data source)", "csv", fourcat.sniff, fourcat.iter_csv,
           "CSV header with 'thread_id' and 'body'",
           "as 4cat-ndjson"),
)

_KEY = re.compile(rb'"([A-Za-z_$@][\w.$@-]{0,63})"\s*:')


def detect(head: bytes) -> Format | None:
    """The format of a file starting with ``head``, or None (use the generic readers)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        kind, keys = "json", frozenset(k.decode() for k in _KEY.findall(head))
    elif b"," in text.split(b"\n", 1)[0]:
        kind, keys = "csv", frozenset()
    else:
        return None
    for fmt in FORMATS:
        if fmt.kind == kind and fmt.sniff(keys, text):
            return fmt
    return None


def by_reader(reader: Reader) -> Format | None:
    """The format a reader belongs to (for `propscope inspect`)."""
    return next((f for f in FORMATS if f.reader is reader), None)


__all__ = ["FORMATS", "Format", "by_reader", "detect"]
