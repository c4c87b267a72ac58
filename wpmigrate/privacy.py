"""What WordPress kept from the public stays out of the site unless the user says otherwise.

A static site cannot ask for a password or check who is logged in, so by default:
- a password-protected post or page (`wp:post_password` set) is not written at all;
- a private post or page (status `private`: only logged-in editors could read it) is not written at all.
Both are listed in the report as skipped, with the reason and the flag that writes them. Skipping, not
writing them as drafts: a draft is still a file in the site's repository, which is often public.

`--include-protected` writes them, saying so for each: a protected post as the published post it was
(without its password), a private one as a draft (`_drafts/`, which Jekyll builds only with --drafts).
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Post

PRIVATE_STATUSES = ("private",)
PUBLISHED = ("publish", "future")  # the statuses the Jekyll profile publishes


def privacy_skip_reason(post: Post, include_protected: bool, warn: Callable[[str], None]) -> str | None:
    """Why a post that WordPress did not show to everyone is not written (None: it is written). When
    --include-protected writes one anyway, `warn` says so."""
    protected = bool(post.password)
    private = post.status in PRIVATE_STATUSES
    if not protected and not private:
        return None
    what = "password-protected" if protected else "private"
    if not include_protected:
        if protected:
            return "password-protected: not published (a static site cannot ask for the password); --include-protected writes it"
        return "private (only logged-in editors could read it): not published; --include-protected writes it as a draft"
    if post.status in PUBLISHED:
        warn(f"{post.where}: {what}, written anyway (--include-protected): its content is public without the password")
    else:
        warn(f"{post.where}: {what}, written anyway as a draft (--include-protected)")
    return None
