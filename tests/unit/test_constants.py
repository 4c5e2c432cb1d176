"""Where a build points: the action pin, the release tag and links, from the build alone."""

from __future__ import annotations

from gatekeeper import Build
from gatekeeper import constants as c

SHA = "0123456789abcdef0123456789abcdef01234567"
RELEASE = Build("1.2.0", SHA)
DEV = Build("0.1.dev185+g0123456", SHA)
NONE = Build("0+unknown", None)


def test_a_release_build_is_pinned_at_its_commit_with_its_tag() -> None:
    assert c.release_tag(RELEASE) == "v1.2.0"
    assert c.action_ref(RELEASE) == f"{c.GATEKEEPER_REPOSITORY}@{SHA}"
    assert c.pin_note(RELEASE) == "v1.2.0"
    assert c.source_ref(RELEASE) == "v1.2.0"
    assert c.release_tag(Build("1.2.0rc1", SHA)) == "v1.2.0rc1"


def test_a_development_build_is_pinned_at_its_commit_and_says_it_has_no_tag() -> None:
    assert c.release_tag(DEV) is None
    assert c.action_ref(DEV) == f"{c.GATEKEEPER_REPOSITORY}@{SHA}"
    assert c.pin_note(DEV) == "0.1.dev185+g0123456, no release tag"
    assert c.source_ref(DEV) == SHA
    assert c.schema_url(DEV).endswith(f"/{SHA}/schemas/policy.schema.json")
    assert c.docs_url(DEV).endswith(f"/blob/{SHA}/docs")


def test_a_build_without_a_commit_cannot_be_pinned_and_links_to_the_major_tag() -> None:
    assert c.action_ref(NONE) is None
    assert c.source_ref(NONE) == c.MAJOR_TAG
    assert NONE.describe() == "0+unknown (commit unknown: built without git metadata)"
    assert Build("1.0.0", SHA, dirty=True).describe() == \
        f"1.0.0 (commit {SHA}, with uncommitted changes)"
