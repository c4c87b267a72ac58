"""oEmbed providers: which service a URL belongs to, and the HTML an embed becomes.

WordPress turns a URL of a known provider into an iframe at display time (oEmbed). A static site has no
oEmbed, so `--embeds link` (default) writes what a Markdown reader can follow: a paragraph with a link
"YouTube video: URL"; `--embeds html` writes the provider's iframe / blockquote markup, kept raw.
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit


class Provider(NamedTuple):
    name: str  # shown to readers: "YouTube"
    noun: str  # what is embedded: "video", "tweet", ...
    pattern: re.Pattern[str]


def _p(name: str, noun: str, regex: str) -> Provider:
    return Provider(name, noun, re.compile(regex, re.I))


# Host patterns after WordPress's own oEmbed provider list (class-wp-oembed.php), plus the
# WordPress.com/Jetpack shortcode services.
PROVIDERS: tuple[Provider, ...] = (
    _p(
        "YouTube",
        "video",
        r"https?://((m|www|music)\.)?youtube\.com/(watch|playlist|shorts|live|embed|v/)|https?://youtu\.be/",
    ),
    _p("Vimeo", "video", r"https?://((player|www)\.)?vimeo\.com/"),
    _p("Dailymotion", "video", r"https?://(www\.)?(dailymotion\.com|dai\.ly)/"),
    _p("Twitter", "tweet", r"https?://(www\.|mobile\.)?(twitter|x)\.com/\w+/status(es)?/"),
    _p("Twitter", "post", r"https?://(www\.)?(twitter|x)\.com/"),
    _p("GitHub Gist", "", r"https?://gist\.github\.com/"),
    _p("Google Maps", "", r"https?://(maps\.google\.[a-z.]+/|(www\.)?google\.[a-z.]+/maps)"),
    _p("Flickr", "photo", r"https?://((www\.)?flickr\.com|flic\.kr)/"),
    _p("Instagram", "post", r"https?://(www\.)?(instagram\.com|instagr\.am)/"),
    _p("Facebook", "post", r"https?://(www\.)?facebook\.com/"),
    _p("SoundCloud", "audio", r"https?://(www\.)?soundcloud\.com/"),
    _p("Spotify", "audio", r"https?://(open|play)\.spotify\.com/"),
    _p("Mixcloud", "audio", r"https?://(www\.)?mixcloud\.com/"),
    _p("TikTok", "video", r"https?://(www\.)?tiktok\.com/"),
    _p("WordPress.tv", "video", r"https?://wordpress\.tv/"),
    _p("VideoPress", "video", r"https?://(videopress\.com/v/|video\.wordpress\.com/)"),
    _p("TED", "talk", r"https?://(www\.|embed\.)?ted\.com/talks/"),
    _p("SlideShare", "presentation", r"https?://(www\.)?slideshare\.net/"),
    _p("Speaker Deck", "presentation", r"https?://(www\.)?speakerdeck\.com/"),
    _p("Scribd", "document", r"https?://(www\.)?scribd\.com/"),
    _p("Issuu", "document", r"https?://(www\.)?issuu\.com/"),
    _p("Imgur", "image", r"https?://(.+\.)?imgur\.com/"),
    _p("Reddit", "post", r"https?://(www\.)?reddit\.com/r/[^/]+/comments/"),
    _p("Tumblr", "post", r"https?://.+\.tumblr\.com/"),
    _p("Kickstarter", "project", r"https?://(www\.)?kickstarter\.com/projects/|https?://kck\.st/"),
    _p("SmugMug", "photo", r"https?://(.+\.)?smugmug\.com/"),
    _p("Cloudup", "file", r"https?://cloudup\.com/"),
    _p("Crowdsignal", "poll", r"https?://(.+\.)?(polldaddy\.com|poll\.fm|crowdsignal\.(com|net))/"),
    _p("Pocket Casts", "podcast", r"https?://pca\.st/"),
    _p("Animoto", "video", r"https?://(www\.)?(animoto|video214)\.com/play/"),
    _p("Amazon", "book", r"https?://(www\.)?(amazon|amzn)\.[a-z.]+/"),
    _p("Screencast", "video", r"https?://(www\.)?screencast\.com/"),
    _p("Wolfram Cloud", "notebook", r"https?://(www\.)?wolframcloud\.com/"),
)

# core-embed/<slug> and core/embed's providerNameSlug -> provider name, when the URL says nothing.
SLUG_NAMES = {p.name.lower().replace(" ", "-").replace(".", "-"): p for p in PROVIDERS}
SLUG_NAMES.update({"wordpress-tv": PROVIDERS[14], "twitter": PROVIDERS[3], "gist": PROVIDERS[5]})


def detect_provider(url: str) -> Provider | None:
    """The oEmbed provider whose URL scheme matches, or None for an ordinary web page."""
    for provider in PROVIDERS:
        if provider.pattern.match(url.strip()):
            return provider
    return None


def provider_for_slug(slug: str) -> Provider | None:
    return SLUG_NAMES.get(slug.lower())


def youtube_id(url: str) -> str:
    """The video id of a YouTube URL ("" when there is none)."""
    parts = urlsplit(url)
    if parts.netloc.endswith("youtu.be"):
        return parts.path.strip("/").split("/")[0]
    query = parse_qs(parts.query)
    if "v" in query:
        return query["v"][0]
    m = re.match(r"/(?:embed|v|shorts|live)/([\w-]+)", parts.path)
    return m.group(1) if m else ""


def render_embed(url: str, mode: str = "link", title: str = "", provider: Provider | None = None) -> str:
    """HTML for an embed of `url`. mode "link": a paragraph with a labelled link; "html": raw markup."""
    url = url.strip()
    provider = provider or detect_provider(url)
    if mode == "html" and provider is not None:
        raw = _embed_markup(url, provider)
        if raw:
            return raw
    label = title.strip() or url
    text = f"{' '.join(filter(None, (provider.name, provider.noun)))}: {label}" if provider else label
    return f'<p><a href="{html.escape(url)}">{html.escape(text, quote=False)}</a></p>'


def _embed_markup(url: str, provider: Provider) -> str:
    """The markup a provider's oEmbed endpoint would return, for the providers readers meet most."""
    esc = html.escape(url)
    if provider.name == "YouTube" and youtube_id(url):
        src = f"https://www.youtube.com/embed/{quote(youtube_id(url))}"
        return f'<iframe width="560" height="315" src="{src}" allowfullscreen></iframe>'
    if provider.name == "Vimeo":
        m = re.search(r"/(\d+)", urlsplit(url).path)
        if m:
            return f'<iframe width="640" height="360" src="https://player.vimeo.com/video/{m.group(1)}" allowfullscreen></iframe>'
    if provider.name == "Dailymotion":
        m = re.search(r"/(?:video/)?([a-z0-9]+)", urlsplit(url).path)
        if m:
            return (
                f'<iframe width="480" height="270" src="https://www.dailymotion.com/embed/video/{m.group(1)}"'
                f" allowfullscreen></iframe>"
            )
    if provider.name == "Twitter":
        return f'<blockquote class="twitter-tweet"><a href="{esc}">{esc}</a></blockquote>'
    if provider.name == "GitHub Gist":
        return f'<script src="{html.escape(url.split("#")[0].rstrip("/"))}.js"></script>'
    if provider.name == "Google Maps":
        return f'<iframe width="600" height="450" src="{esc}"></iframe>'
    return f'<iframe src="{esc}"></iframe>' if provider.noun in ("video", "audio") else ""
