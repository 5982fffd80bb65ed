"""Embedded social-media posts in invented articles: spans, authors, handles, dates, children."""

from __future__ import annotations

from datetime import date

import pytest

from propscope.analyze.embedded_posts import find_embedded_posts, weighted_length
from propscope.analyze.references import find_references


def posts(text: str) -> list[dict]:
    rows = [r for r in find_references("d", text) if r["kind"] == "embedded_post"]
    for r in rows:
        assert text[r["start"]:r["end"]] == r["value"]
    return rows


@pytest.mark.parametrize("dash", ["—", "–", "-", "--", "―"])
def test_dash_styles(dash):
    text = ("The mayor answered critics online.\n\n"
            f"We will rebuild the bridge by June. #Rivertown https://t.co/Ab12Cd34Ef {dash} "
            "Mayor Lena Brandt (@LenaBrandt2) March 3, 2022\n\nThe council did not reply.")
    (p,) = posts(text)
    assert p["value"].startswith("We will rebuild") and p["value"].endswith("March 3, 2022")
    assert (p["author"], p["handle"], p["posted"]) == ("Mayor Lena Brandt", "LenaBrandt2",
                                                        date(2022, 3, 3))
    assert p["normalized"] == "We will rebuild the bridge by June. #Rivertown https://t.co/Ab12Cd34Ef"


@pytest.mark.parametrize("when, expected", [
    ("Jan 9, 2019", date(2019, 1, 9)), ("Sept. 30, 2021", date(2021, 9, 30)),
    ("December 31, 2020", date(2020, 12, 31)), ("5 novembre 2021", date(2021, 11, 5)),
    ("12. März 2022", date(2022, 3, 12)), ("1 сентября 2022", date(2022, 9, 1)),
    ("3 de mayo de 2020", date(2020, 5, 3)), ("2023-02-14", date(2023, 2, 14)),
    ("February 30, 2020", None),
])
def test_months_and_languages(when, expected):
    text = f"Big news today! — Radio Norte (@radionorte_24) {when}"
    (p,) = posts(text)
    assert p["posted"] == expected and p["handle"] == "radionorte_24"


def test_children_are_linked_and_attribution_handle_is_not_a_mention():
    text = ("Opening paragraph of the report, written by our own staff.\n\n"
            "Thanks @city_hall for the help! #CleanUp bit.ly/3Kq9Zz pic.twitter.com/XyZ987abc "
            "— Green Hands (@green_hands) August 14, 2021\n\n"
            "Another paragraph with #OurTag and @editor_desk.")
    rows = find_references("d", text)
    (post,) = [r for r in rows if r["kind"] == "embedded_post"]
    inside = {(r["kind"], r["value"]) for r in rows if r["parent_start"] == post["start"]}
    assert inside == {("mention", "@city_hall"), ("hashtag", "#CleanUp"),
                      ("url", "bit.ly/3Kq9Zz"), ("url", "pic.twitter.com/XyZ987abc")}
    outside = {(r["kind"], r["value"]) for r in rows
               if r["kind"] != "embedded_post" and r["parent_start"] is None}
    assert outside == {("hashtag", "#OurTag"), ("mention", "@editor_desk")}


def test_display_names_with_brackets_emoji_and_line_break():
    text = ("Sentence one of the article. Sentence two.\n"
            "Vote early! — Team Blue 🇺🇸 (Official) (@TeamBlue)\nOctober 2, 2020\n"
            "Stay safe #Flu — Dr. A. Okoye?\n(@DrOkoye) Nov 4, 2020")
    p1, p2 = posts(text)
    assert (p1["author"], p1["handle"], p1["value"][:11]) == ("Team Blue 🇺🇸 (Official)", "TeamBlue",
                                                              "Vote early!")
    assert (p2["author"], p2["handle"], p2["value"][:9]) == ("Dr. A. Okoye?", "DrOkoye", "Stay safe")


def test_long_line_is_cut_at_a_sentence_boundary():
    # One line holding article prose and then the post: the post starts at the
    # earliest sentence boundary after which the rest fits the platform's length.
    article = " ".join(f"Sentence {i} of the article explains, at great length and with many "
                       "details, figures and quotations from both sides, why the port strike "
                       "began, who called it, how long it may last, what it costs the region every day, "
                       "and what each party wants from the talks next week." for i in range(4))
    post_text = "Dock workers stand together. Wages now! https://t.co/PoRt123456"
    text = f"{article} {post_text} — Port Union (@port_union) May 1, 2022"
    (p,) = posts(text)
    assert p["value"].startswith("Dock workers stand together.")
    assert weighted_length(p["normalized"]) <= 308


def test_sentence_per_line_text_takes_the_lines_above():
    text = ("An official later said this:\n"
            "Roads are closed in the north.\n"
            "Please stay home tonight.\n"
            "pic.twitter.com/AbCdEf1234 — County Police (@CountyPD) January 5, 2021\n"
            "The storm moved east.")
    (p,) = posts(text)
    assert p["value"].startswith("Roads are closed") and "An official" not in p["value"]


def test_attribution_on_its_own_line_takes_the_paragraph_above():
    text = ("First paragraph of the story.\n\n"
            "Hold the line, friends.\n\n"
            "— Ana Ruiz (@ana_ruiz) June 7, 2023")
    (p,) = posts(text)
    assert p["value"].startswith("Hold the line") and "First" not in p["value"]


def test_two_posts_in_one_paragraph_do_not_overlap():
    text = ("Yes! — A B (@ab) May 1, 2021 No! — C D (@cd) May 2, 2021")
    p1, p2 = posts(text)
    assert p1["end"] <= p2["start"] and p2["value"].startswith("No!")


def test_instagram_embed_style():
    text = ("View this post on Instagram\n\nSunrise over the harbour #Valletta\n\n"
            "A post shared by Marta Vella (@marta.vella) on Jul 2, 2019 at 6:15am PDT")
    (p,) = posts(text)
    assert (p["subtype"], p["author"], p["handle"], p["posted"]) == (
        "instagram", "Marta Vella", "marta.vella", date(2019, 7, 2))
    assert p["value"].startswith("Sunrise over the harbour")


@pytest.mark.parametrize("text", [
    "Contact the editor (@desk) for corrections.",
    "He wrote — and we quote — nothing (@nobody) at all.",
    "The shop (@corner_shop) opens on May 5.",
])
def test_not_posts(text):
    assert find_embedded_posts(text) == []
