"""run(settings) composes the stages: import -> index -> convert -> emit -> plan -> apply.

The input is read once, and memory stays flat whatever its size:
1. the index pass reads every post, keeping only small records: what is kept and why not, unique
   slugs and output paths, attachments, the link map; each post kept is pickled once into the run's
   post spool (spool.PostSpool, on disk), which also gives its content digest (convcache.py);
2. the conversion pass converts the kept posts the cache does not hold, one at a time, reading each
   back from the post spool (a --jobs worker reads its own posts there).
Only writer.apply_plan() writes, and only when this is not a dry run. A run whose inputs, options and
output are those the last run read and left is not run at all: lastrun.py replays the result that run
predicted for it.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import lastrun
from .assets import AssetResolver
from .assetstage import gather_assets, localise_outputs
from .budget import WithinBudget
from .convcache import CachedPost, ConversionCache, Traced, TracedPost, run_digest, trace_rewrites
from .convert import Attachment, ConvertContext
from .convert.post import convert_post
from .emit import get_profile
from .emit.frontmatter import category_names
from .emit.links import LinkMap, url_keys
from .emit.paths import SlugRegistry, slug_for
from .emit.profile import PlaceInput, Placement, Profile, old_path_of
from .errors import OptionsError, UnsafePathError
from .importers import Source, open_sources
from .importers.frontmatter import FrontMatterSource
from .manifest import Manifest, read_manifest
from .models import ConvertedPost, Failed, OutputFile, Post, RunReport, Site, Skipped
from .parallel import convert_many
from .pathsafe import check_relpath, resolve_inside
from .privacy import privacy_skip_reason
from .redirects import OldAttachment, OldPost, collect_redirects, redirects_file
from .settings import Settings
from .spool import PostSpool, Spool, pickle_post

PostKey = tuple[str, int | None, int | None]
MIN_PARALLEL = 64  # posts to convert below which --jobs is not worth its processes


def post_key(post: Post) -> PostKey:
    """(source, line, id)."""
    return (post.source, post.line, post.id)


@dataclass(slots=True)
class Entry:
    """What the index keeps of a post that will be written (one per post for the whole run: slots, and
    the strings many posts share interned, keep it small; issue 11)."""

    key: PostKey
    id: int | None
    type: str
    status: str
    slug: str  # "" once placed
    title: str
    parent: int | None
    date: Any = None  # datetime | None: local publish date (GMT when local is missing); None once placed
    placement: Placement | None = None
    # Its WordPress path (from <link>) and terms: dropped once placed, unless --redirects reads them.
    old_path: str = ""  # its WordPress path, from <link>
    categories: tuple[str, ...] = ()  # as its front matter names them (some generators put them in URLs)
    tags: tuple[str, ...] = ()
    # Where the post is in the run's post spool (PostSpool.put), for the conversion pass.
    offset: int = -1
    length: int = 0

    def release(self) -> None:
        """Forget what only placing and converting the post needed, once its file is made: the run's
        memory then does not hold the index and the outputs side by side (issue 11). Its key stays,
        and its `ref` stays in the link map for the posts still to convert."""
        self.title = self.slug = self.old_path = ""
        self.categories = self.tags = ()
        self.placement = None


@dataclass
class Index:
    site: Site
    entries: dict[PostKey, Entry] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    children: dict[int, tuple[int, ...]] = field(default_factory=dict)
    links: LinkMap = field(default_factory=LinkMap)
    authors: dict[str, str] = field(default_factory=dict)
    # Attachment pages (id, old path, parent), for the redirect map.
    attachment_pages: list[OldAttachment] = field(default_factory=list)


def attachment_of(post: Post) -> Attachment:
    """An attachment post as the converter needs it (its URL, caption, alt text and size metadata)."""
    meta = post.meta.get("_wp_attachment_metadata")
    return Attachment(
        id=post.id or 0,
        url=post.attachment_url or post.guid,
        parent=post.parent,
        menu_order=post.menu_order,
        title=post.title,
        caption=post.excerpt,
        description=post.content,
        alt=str(post.meta.get("_wp_attachment_image_alt") or ""),
        meta=meta if isinstance(meta, dict) else {},
    )


def build_index(
    posts: Iterable[Post],
    site: Site,
    settings: Settings,
    report: RunReport,
    keep: Callable[[Post, PostKey], tuple[int, int]] | None = None,
) -> Index:
    """Pass 1: decide what is written where, without keeping any post body. `keep(post, key)` is
    called with each post to be written and gives where it put it (offset, length) for pass 2."""
    index = Index(site=site, authors={a.login: a.display_name for a in site.authors if a.display_name})
    for url in (site.link, site.base_blog_url, site.base_site_url):
        index.links.add_host(url)
    kept: list[tuple[Entry, tuple[str, ...]]] = []
    page_parent: dict[int, int | None] = {}
    page_slug_raw: dict[int, tuple[str, str]] = {}
    seen_ids: dict[str, dict[int, Entry]] = defaultdict(dict)  # type -> id -> the first entry
    children: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for post in posts:
        report.read[f"{post.type}/{post.status}"] += 1
        if post.link:
            index.links.add_host(post.link)
        if post.type == "attachment" and post.id is not None:
            index.attachments[post.id] = attachment_of(post)
            index.attachment_pages.append(OldAttachment(post.id, old_path_of(post.link), post.parent))
            if post.parent:
                children[post.parent].append((post.menu_order, post.id))
        if post.type == "page" and post.id is not None:
            page_parent[post.id] = post.parent
            page_slug_raw[post.id] = (post.slug, post.title)
        reason = _skip_reason(post, settings) or privacy_skip_reason(
            post, settings.include_protected, report.warnings.append
        )
        if reason is None and post.id is not None:
            first = seen_ids[post.type].get(post.id)
            where = _where(first.key, first.title) if first is not None else post.where
            if where != post.where:
                reason = f"duplicate of {where} (same {post.type} id)"
        if reason:
            report.skipped.append(Skipped(post.where, post.type, post.status, reason))
            continue
        # The slug is WordPress's raw one for now; made unique below, in an order that does not
        # depend on the order of the input files.
        entry = Entry(
            post_key(post),
            post.id,
            sys.intern(post.type),
            sys.intern(post.status),
            post.slug,
            post.title,
            post.parent,
            post.date or post.date_gmt,
            old_path=old_path_of(post.link),
            categories=tuple(map(sys.intern, category_names(post))),
            tags=tuple(map(sys.intern, post.tags)),
        )
        if keep is not None:
            entry.offset, entry.length = keep(post, entry.key)
        if post.id is not None:
            seen_ids[entry.type].setdefault(post.id, entry)  # (its `where`, made when needed, not kept)
        # The link map's keys of its old URLs, not the URLs: shorter, and what the map keeps anyway.
        kept.append((entry, url_keys([post.link, post.guid if post.guid.startswith("http") else ""])))
    index.children = {p: tuple(i for _, i in sorted(c)) for p, c in children.items()}

    registry = SlugRegistry()
    unique_page_slug: dict[int, str] = {}
    order = sorted(kept, key=lambda e: (e[0].type, e[0].id is None, e[0].id or 0, e[0].key[0], e[0].key[1] or 0))
    for entry, _ in order:
        scope: tuple[object, ...] = (entry.type, entry.parent if entry.type == "page" else None)
        entry.slug = registry.claim(scope, slug_for(entry.slug, entry.title, entry.id))
        if entry.type == "page" and entry.id is not None:
            unique_page_slug[entry.id] = entry.slug

    def page_slug(pid: int) -> str:
        if pid in unique_page_slug:
            return unique_page_slug[pid]
        raw, title = page_slug_raw.get(pid, ("", ""))
        return slug_for(raw, title, pid)

    profile = get_profile(settings.profile, settings.profile_options())
    for entry, urls in kept:
        ancestors: list[str] = []
        parent, hops = entry.parent, 0
        while entry.type == "page" and parent and parent in page_parent and hops < 50:
            ancestors.insert(0, page_slug(parent))
            parent, hops = page_parent[parent], hops + 1
        date = entry.date
        try:
            entry.placement = profile.place(
                PlaceInput(
                    entry.type, entry.status, entry.slug, date, tuple(ancestors), entry.old_path, entry.categories
                )
            )
            if settings.in_place:
                entry.placement = in_place_placement(entry.key[0], settings, entry.placement, profile)
                if Path(entry.key[0]).suffix.lower() in (".html", ".htm"):
                    report.warnings.append(
                        f"{entry.key[0]}: written beside it as Markdown, "
                        f"{entry.placement.path}; delete the HTML file once checked"
                    )
        except UnsafePathError as exc:
            report.skipped.append(Skipped(f"{entry.key[0]} post {entry.id}", entry.type, entry.status, str(exc)))
            continue
        # Placed: what only placing needed is dropped (a string or two per post adds up; issue 11). The
        # redirect map reads the old path and the terms later.
        entry.date, entry.slug = None, ""
        if not settings.redirect_format:
            entry.old_path, entry.categories, entry.tags = "", (), ()
        if entry.status == "publish" and entry.type == "post" and date is None:
            folder = entry.placement.path.rsplit("/", 1)[0] + "/"
            report.warnings.append(f"{entry.key[0]} post {entry.id}: published but undated; written to {folder}")
        index.entries[entry.key] = entry
        if entry.placement.ref:
            index.links.add_keys(urls, entry.placement.ref)
            index.links.add_ids(entry.id, entry.type, entry.placement.ref)
    return index


def in_place_placement(source: str, settings: Settings, placement: Placement, profile: Profile) -> Placement:
    """--in-place: the post is written back where it was read, relative to the output folder (the site
    root). A `.html` body becomes Markdown, so it is written beside its file as `.md` (the .html is left
    for the user to delete: nothing is removed behind their back). Links to it are the profile's
    link to that file (Jekyll: `{% link %}`, which resolves whatever the file is called)."""
    src, root = Path(source).resolve(), Path(settings.out).resolve()
    try:
        rel = src.relative_to(root).as_posix()
    except ValueError:
        raise OptionsError(
            f"--in-place: {source} is not inside the output folder {settings.out}; "
            "pass --out SITE_ROOT (the folder holding the files)"
        ) from None
    if src.suffix.lower() in (".html", ".htm"):
        rel = rel[: -len(src.suffix)] + ".md"
    check_relpath(rel)
    return replace(placement, path=rel, ref=profile.link_to_file(rel, placement.url))


def _skip_reason(post: Post, settings: Settings) -> str | None:
    if post.type not in settings.types:
        return f"type {post.type!r} not in --types ({','.join(settings.types)})"
    if not settings.keeps_status(post.status):
        return f"status {post.status!r} not kept (--status)"
    return None


def make_context(index: Index, settings: Settings, rewrite_asset: Callable[[str], str] | None = None) -> ConvertContext:
    return ConvertContext(
        site=index.site,
        attachments=index.attachments,
        children=index.children,
        rewrite_link=index.links.rewrite,
        rewrite_asset=rewrite_asset or (lambda url: url),
        embeds=settings.embeds,
        excerpt_separator=settings.excerpt_separator,
        math=get_profile(settings.profile).math,
    )


def convert_all(
    posts: PostSpool,
    index: Index,
    ctx: ConvertContext,
    settings: Settings,
    report: RunReport,
    progress: Callable[[], None] | None = None,
    replay_asset: Callable[[str], Any] | None = None,
    cache: ConversionCache | None = None,
) -> Iterator[tuple[TracedPost | CachedPost, Entry]]:
    """Pass 2: convert every kept post (in settings.jobs processes) that the cache does not hold,
    reading it back from `posts` (where the index pass put it); failures ours to explain
    (errors.RECORDED) are recorded and the run goes on, any other raises InternalError naming the post.
    Results come in input order whatever the number of jobs and whichever posts come from the cache,
    so the output is the same."""
    cache = cache or ConversionCache(None, False)
    hits: dict[PostKey, CachedPost] = {}
    for key, entry in index.entries.items() if not cache.empty else ():
        assert entry.placement is not None
        hit = cache.lookup(cache.post_key(key, entry.placement), index.links.rewrite)
        if hit is not None:
            hits[key] = hit
    missing = [entry for key, entry in index.entries.items() if key not in hits]

    def pack(post: Post) -> bytes:
        """Its cache key (made where it is converted)."""
        key = post_key(post)
        return cache.post_key(key, index.entries[key].placement)

    render = _renderer(index, settings)
    convert = Traced(WithinBudget(convert_post, settings.post_time_budget), render, pack if cache.writable else None)
    # A handful of posts (a re-run) converts faster here than a pool of processes starts.
    jobs = settings.jobs if len(missing) >= MIN_PARALLEL else 1
    fresh = convert_many(missing, ctx, jobs, convert, replay_asset, load=_reader(posts))
    replayed: set[str] = set()
    for key, entry in index.entries.items():
        if progress:
            progress()
        hit = hits.get(key)
        if hit is not None:
            # The asset stage must see the media as a conversion would have shown them, in order. A URL
            # seen already changes nothing the second time (the resolver's calls are idempotent).
            for url in hit.media:
                if url not in replayed:
                    replayed.add(url)
                    ctx.rewrite_asset(url)
            report.posts_reused += 1
            _add_counts(report, _where(key, entry.title) if hit.warnings else "", hit)
            yield hit, entry
            continue
        done, converted = next(fresh)
        assert done is entry
        report.posts_converted += 1
        if isinstance(converted, str):
            report.failed.append(Failed(_where(key, entry.title), converted))
            continue
        assert isinstance(converted, TracedPost)
        _add_counts(report, _where(key, entry.title) if converted.warnings else "", converted)
        yield converted, entry


def _reader(posts: PostSpool) -> Callable[[Entry], Post]:
    """An entry's post, read back from the post spool (in a --jobs worker, or here)."""

    def read(entry: Entry) -> Post:
        return posts.get(entry.offset, entry.length, entry.key)

    return read


def _renderer(index: Index, settings: Settings) -> Callable[[Post, ConvertedPost], bytes]:
    """The file of a converted post (front matter and body), in the profile's form."""
    profile = get_profile(settings.profile, settings.profile_options())

    def render(post: Post, converted: ConvertedPost) -> bytes:
        placement = index.entries[post_key(post)].placement
        assert placement is not None
        return profile.render(post, converted, placement, index.authors.get(post.author, ""))

    return render


def _add_counts(report: RunReport, where: str, converted: ConvertedPost | CachedPost) -> None:
    report.shortcodes.update(converted.shortcodes)
    report.unknown_shortcodes.update(converted.unknown_shortcodes)
    report.blocks.update(converted.blocks)
    report.warnings.extend(f"{where}: {w}" for w in converted.warnings)


def _where(key: PostKey, title: str) -> str:
    """Post.where for a post not read again (a cache hit)."""
    return Post(source=key[0], line=key[1], id=key[2], title=title).where


def run(
    settings: Settings, progress_factory: Callable[[str, int], Callable[[], None]] | None = None
) -> tuple[RunReport, Any]:
    """Run a whole conversion; returns (report, plan). Raises InputError/OptionsError for unusable input."""
    replayed = lastrun.replay(settings)  # nothing changed since the last run: the result it predicted
    if replayed is not None:
        return replayed
    report = RunReport(sources=[str(s) for s in settings.sources], dry_run=settings.dry_run)
    source = open_sources(
        list(settings.sources),
        report.warnings.append,
        content_selector=settings.content_selector,
        drop_keys=settings.drop_keys,
        site_url=settings.site_url,
        keep_boilerplate=settings.keep_boilerplate,
    )
    if settings.in_place and not isinstance(source, FrontMatterSource):
        raise OptionsError(
            "--in-place rewrites front-matter files (.md/.html with a --- header) only; "
            "for an export or a mirror, write to --out instead"
        )
    roots = tuple(getattr(source, "roots", ()))
    if roots:
        # A mirror holds its own copies of the images: look there first.
        settings = replace(settings, mirrors=tuple(dict.fromkeys((*settings.mirrors, *roots))))
    cache = ConversionCache.open(settings.out, writable=not (settings.dry_run or settings.check))
    # Each rendered file goes to the spool as it comes: memory keeps its path and digest, not its bytes.
    spool = Spool.open(settings.out, writes=not (settings.dry_run or settings.check))
    # The posts to write, as the index pass read them: the conversion pass reads them there. (Opened
    # after `spool`, which then owns any folder made for both.)
    posts = PostSpool.open(settings.out, writes=not (settings.dry_run or settings.check))
    try:
        report, plan = _run(settings, source, cache, report, progress_factory, spool, posts)
    except BaseException:
        posts.close()
        spool.close()
        cache.close()
        raise
    cache.finish()
    lastrun.record(settings, report, plan, source)
    return report, plan


def _run(
    settings: Settings,
    source: Source,
    cache: ConversionCache,
    report: RunReport,
    progress_factory: Callable[[str, int], Callable[[], None]] | None,
    spool: Spool,
    posts: PostSpool,
) -> tuple[RunReport, Any]:
    from .plan import make_plan
    from .writer import apply_plan

    def spool_post(post: Post, key: PostKey) -> tuple[int, int]:
        blob = pickle_post(post)  # pickled once: its content digest, and the post for the conversion pass
        cache.note(key, blob)
        return posts.put(blob)

    index = build_index(source.posts(), source.site, settings, report, spool_post)

    # --- assets hook: build the resolver here and pass resolver.rewrite as rewrite_asset ---
    resolver = AssetResolver(index.site, index.attachments, settings, extra_hosts=sorted(index.links.hosts))
    rewrite = resolver.rewrite if settings.download_assets else resolver.rewrite_origin
    ctx = make_context(index, settings, rewrite)
    profile = get_profile(settings.profile, settings.profile_options())
    link, asset = trace_rewrites(ctx.rewrite_link, ctx.rewrite_asset)
    ctx = replace(ctx, rewrite_link=link, rewrite_asset=asset)
    cache.run = run_digest(
        settings.output_options(),
        settings.asset_hosts,
        settings.host_map,
        [Path(m).as_posix() for m in settings.mirrors],
        index.site,
        sorted(index.attachments.items()),
        sorted(index.children.items()),
        sorted(index.links.hosts),
    )
    tick = progress_factory("Converting", len(index.entries)) if progress_factory else None
    outputs: list[OutputFile] = []
    # The entries not produced (their post failed) are those convert_all skipped: walked alongside, in
    # the same order, rather than a copy of the index to pop from (issue 11: memory).
    keep: set[str] = set()
    pending = iter(index.entries.values())
    replay = resolver.rewrite if settings.download_assets else None
    for converted, entry in convert_all(posts, index, ctx, settings, report, tick, replay, cache):
        assert entry.placement is not None
        if isinstance(converted, TracedPost):  # converted and rendered by this run
            cache.store(entry.key, converted)
            spooled = spool.put(converted.data, converted.sha256)
        else:
            spooled = spool.put(converted.data)
        outputs.append(
            OutputFile(entry.placement.path, source=_source_id(entry.key), kind=entry.placement.kind, spooled=spooled)
        )
        keep |= _unproduced(pending, entry)
        if not (settings.redirect_format or settings.in_place):  # the only readers of a written entry
            entry.release()
    # A post that failed to convert keeps its file from the last run: neither stale nor pruned.
    keep |= _unproduced(pending, None)
    # The cache's per-post content digests served the lookups and stores above (finish() needs only
    # the keys used): freed before the plan, the peak of the run (issue 11, memory). The posts, read
    # back by now, free their disk before the files are written.
    cache.contents.clear()
    posts.close()
    # --in-place: files replaced by their own conversion (not the .md written beside an .html: a file
    # already there is someone's, and stays a conflict).
    in_place = {
        e.placement.path
        for e in index.entries.values()
        if settings.in_place and e.placement and e.placement.path.endswith(Path(e.key[0]).name)
    }
    site_files, site_keep = site_outputs(index, settings, profile, report)
    # The index has served (what is left needs the outputs only): its memory goes to the plan's.
    index.entries.clear()
    index.links.targets.clear()
    outputs += site_files
    keep |= site_keep
    unfetched: dict[str, str] = {}
    # --- assets hook: fetch wanted assets, add asset OutputFiles, relink failed ones ---
    if settings.download_assets:
        last = read_manifest(settings.out)
        outcomes = gather_assets(
            resolver.wanted(),
            settings,
            progress_factory,
            failed_before=last.unfetched,
            in_output=_assets_in(last, settings.out),
            warn=report.warnings.append,
        )
        stage = localise_outputs(outputs, resolver, outcomes)
        stage.add_to(report)
        outputs, unfetched = list(stage.outputs), stage.unfetched
        outputs = profile.arrange(outputs, resolver.asset_dir, resolver.prefix)
        keep |= set(unfetched)

    outputs.sort(key=lambda o: o.path)
    # Local asset paths the posts already referred to (a re-run over rewritten files) stay ours, never stale.
    plan = make_plan(
        outputs,
        settings.out,
        settings.output_options(),
        force=settings.force,
        prune=settings.prune,
        keep=keep | resolver.local_paths(),
        in_place=in_place,
        unfetched=unfetched,
        spool=spool,
    )
    if not settings.dry_run and not settings.check:
        apply_plan(plan, settings.out)
    report.changes = list(plan.changes)
    return report, plan


def _unproduced(pending: Iterator[Entry], upto: Entry | None) -> set[str]:
    """The paths of the entries before `upto` (to the end when None) in `pending`, consumed."""
    paths = set()
    for e in pending:
        if e is upto:
            break
        if e.placement is not None:
            paths.add(e.placement.path)
    return paths


def site_outputs(
    index: Index, settings: Settings, profile: Profile, report: RunReport
) -> tuple[list[OutputFile], set[str]]:
    """The files that belong to the site rather than to a post: the --scaffold skeleton (only where no
    site is yet) and the --redirects map. Returns (files, paths never to prune)."""
    files: list[OutputFile] = []
    keep: set[str] = set()
    configs = profile.config_files
    has_site = any((Path(settings.out) / name).exists() for name in configs)
    if settings.scaffold:
        skeleton = profile.scaffold(index.site)
        keep |= set(skeleton)
        ours = read_manifest(settings.out).files
        if has_site and not any(name in ours for name in configs):  # a re-run over our own skeleton: quiet
            report.warnings.append(f"--scaffold: {settings.out} already holds a site; its files are left as they are")
        if not has_site:
            files += [OutputFile(path, data, source="scaffold", kind="scaffold") for path, data in skeleton.items()]
    if profile.raw_html and not (settings.scaffold and not has_site):
        setting = profile.raw_html.rsplit(".", 1)[-1]  # "unsafe = true"
        key = setting.split("=")[0].strip()
        texts = [
            (Path(settings.out) / n).read_text(encoding="utf-8", errors="replace")
            for n in configs
            if (Path(settings.out) / n).is_file()
        ]
        if not any(key in text for text in texts):
            report.warnings.append(
                f"{profile.name} drops raw HTML from Markdown (converted tables, embeds, galleries may hold some) "
                f"unless its config says {profile.raw_html}: add it, or use --scaffold in a new folder"
            )
    if settings.redirect_format:
        posts = [
            OldPost(e.id, e.type, e.old_path, e.placement.url if e.placement else "") for e in index.entries.values()
        ]
        # Terms the new site shows: those of the published posts (generators make no page for the others).
        used = {
            (domain, name)
            for e in index.entries.values()
            if e.placement and e.placement.url and e.type == "post"
            for domain, names in (("category", e.categories), ("post_tag", e.tags))
            for name in names
        }
        redirects = collect_redirects(index.site, posts, index.attachment_pages, profile, used)
        path, data = redirects_file(redirects, settings.redirect_format, profile)
        files.append(OutputFile(path, data, source="redirects", kind="redirects"))
        if profile.publish_setting and path == profile.redirects_path and has_site:
            config = next(Path(settings.out) / n for n in configs if (Path(settings.out) / n).exists())
            if path not in config.read_text(encoding="utf-8", errors="replace"):
                report.warnings.append(f"{config}: {path} is not published unless it says {profile.publish_setting}")
    return files, keep


def _assets_in(manifest: Manifest, out_dir: Path) -> dict[str, str]:
    """{path: file} of the assets the manifest says a previous run wrote and that are still there."""
    found = {}
    for rel, entry in manifest.files.items():
        if entry.kind != "asset":
            continue
        try:
            disk = resolve_inside(out_dir, rel)
        except UnsafePathError:
            continue
        if disk.is_file() and not disk.is_symlink():
            found[rel] = str(disk)
    return found


def _source_id(key: PostKey) -> str:
    source, _, post_id = key
    return f"{source}#{post_id}" if post_id is not None else source
