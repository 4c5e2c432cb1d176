"""Reading a pull request's history of events: when its base branch was changed."""

from __future__ import annotations

from gatekeeper.forge import ForgeUnavailable, PullRequestInfo
from gatekeeper.forge.github.client import GitHubClientBase
from gatekeeper.forge.github.paths import repo_path

# GitHub's issue events for a base change: by a person (or the API), or by GitHub itself
# when the old base branch was merged and deleted.
BASE_CHANGE_EVENTS = frozenset({"base_ref_changed", "automatic_base_change_succeeded"})
_MAX_PAGES = 30


class TimelineMixin(GitHubClientBase):
    def base_changes(self, info: PullRequestInfo) -> tuple[str, ...]:
        what = f"reading the events of pull request {info.repo}#{info.number}"
        url = f"{repo_path(info.repo)}/issues/{info.number:d}/events"
        found: list[str] = []
        for page in range(1, _MAX_PAGES + 1):
            _, data = self.request(what, "GET", url,
                                   parameters={"per_page": 100, "page": page})
            if not isinstance(data, list):
                raise ForgeUnavailable(what, 200, "not a list")
            for event in data:
                if not isinstance(event, dict) or event.get("event") not in BASE_CHANGE_EVENTS:
                    continue
                at = event.get("created_at")
                if not isinstance(at, str) or not at:
                    # A base change with no time cannot be ordered against an approval.
                    raise ForgeUnavailable(what, 200, "a base change without a time")
                found.append(at)
            if len(data) < 100:
                return tuple(sorted(found))
        raise ForgeUnavailable(what, 200, f"more than {_MAX_PAGES * 100} events")
