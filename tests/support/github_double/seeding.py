"""The test-facing API of the double: seeding, faults and inspection."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tests.support import github_contract
from tests.support.github_double.state import (
    FileSpec,
    _check_state,
    _Commit,
    _iso,
    _Pull,
    _Repo,
    _Review,
    _Ruleset,
    _sha,
)

if TYPE_CHECKING:
    pass


class Seeding:
    """What tests call: seed state, inject faults, read back what was written."""

    def add_token(self, token: str, login: str, user_type: str = "User") -> None:
        """Accept ``token`` as the identity ``login`` (comments, statuses are by it)."""
        with self._lock:
            self._tokens[token] = self._user(login, user_type)

    def add_repo(
        self, full_name: str, default_branch: str = "main", *, private: bool = False,
        owner_type: str = "Organization",
    ) -> None:
        with self._lock:
            if full_name.casefold() in self._repos:
                raise ValueError(f"repository {full_name} already exists")
            owner_login, _, name = full_name.partition("/")
            if not owner_login or not name or "/" in name:
                raise ValueError(f"not an owner/name: {full_name!r}")
            repo = _Repo(
                full_name=full_name, owner=self._user(owner_login, owner_type), name=name,
                id=next(self._ids), default_branch=default_branch, private=private,
                created_at=self._now(),
            )
            self._repos[full_name.casefold()] = repo
            self._repos_by_id[repo.id] = repo

    def add_pull(
        self,
        repo: str,
        number: int,
        *,
        title: str,
        body: str | None,
        author: str = "octocat",
        author_type: str = "User",
        head_sha: str,
        base_sha: str,
        base_ref: str = "main",
        head_ref: str = "feature",
        head_repo: str | None = None,
        files: Sequence[FileSpec] = (),
        changed_files: int | None = None,
        draft: bool = False,
        state: str = "open",
        created_at: datetime | str | None = None,
        updated_at: datetime | str | None = None,
        closed_at: datetime | str | None = None,
        merged_at: datetime | str | None = None,
        labels: Iterable[str] = (),
    ) -> None:
        """Seed a pull request. ``changed_files`` (GitHub's own count) defaults to
        ``len(files)``; set it larger to model a list GitHub truncated."""
        with self._lock:
            r = self._repo(repo)
            if number in r.pulls:
                raise ValueError(f"{repo}#{number} already exists")
            _check_state(state)
            created = _iso(created_at) or self._now()
            merged = _iso(merged_at)
            closed = _iso(closed_at) or (merged if merged else None)
            if state == "closed" and closed is None:
                closed = created
            if merged and state != "closed":
                raise ValueError("a merged pull request is closed")
            fork = self._repo(head_repo) if head_repo else r
            pull = _Pull(
                repo=r, number=number, id=next(self._ids), title=title, body=body,
                user=self._user(author, author_type), head_sha=_sha(head_sha),
                base_sha=_sha(base_sha), base_ref=base_ref, head_ref=head_ref, head_repo=fork,
                files=[self._file(spec, head_sha) for spec in files],
                changed_files=changed_files, draft=draft, state=state, created_at=created,
                updated_at=_iso(updated_at) or created, closed_at=closed, merged_at=merged,
            )
            r.pulls[number] = pull
            r.commits.update((pull.head_sha, pull.base_sha))
            r.tips.setdefault(pull.base_ref, pull.base_sha)  # its base branch exists
            for name in labels:
                pull.labels.append(self._repo_label(r, name))

    def update_pull(self, repo: str, number: int, **changes: Any) -> None:
        """Change a seeded pull request (``body=`` for an ``edited`` event, ``head_sha=``
        and ``files=`` for ``synchronize``, ``state=``/``merged_at=``, ``labels=``...).
        ``updated_at`` moves to now unless given."""
        with self._lock:
            pull = self._pull(self._repo(repo), number)
            for key, value in changes.items():
                if key == "files":
                    head = changes.get("head_sha", pull.head_sha)
                    pull.files = [self._file(spec, head) for spec in value]
                elif key in ("head_sha", "base_sha"):
                    setattr(pull, key, _sha(value))
                    pull.repo.commits.add(_sha(value))
                elif key == "author":
                    pull.user = self._user(value, changes.get("author_type"))
                elif key == "author_type":
                    continue
                elif key == "labels":
                    pull.labels = [self._repo_label(pull.repo, name) for name in value]
                elif key in ("created_at", "updated_at", "closed_at", "merged_at"):
                    setattr(pull, key, _iso(value))
                elif key == "state":
                    _check_state(value)
                    pull.state = value
                    if value == "closed" and pull.closed_at is None:
                        pull.closed_at = self._now()
                    if value == "open":
                        pull.closed_at = pull.merged_at = None
                elif key == "head_repo":
                    pull.head_repo = self._repo(value)
                elif key == "base_ref":
                    if value != pull.base_ref:
                        # GitHub records a retarget as an issue event of the pull request.
                        pull.events.append(("base_ref_changed", pull.user.login,
                                            _iso(changes.get("updated_at")) or self._now()))
                    pull.base_ref = value
                elif key in ("title", "body", "head_ref", "draft", "changed_files"):
                    setattr(pull, key, value)
                else:
                    raise TypeError(f"update_pull: unknown field {key!r}")
            if pull.merged_at and pull.closed_at is None:
                pull.state, pull.closed_at = "closed", pull.merged_at
            if "updated_at" not in changes:
                pull.updated_at = self._now()

    def add_commit(self, repo: str, sha: str, *, message: str | None = None,
                   parents: Sequence[str] = ()) -> None:
        """Make ``sha`` a known commit (statuses can be posted on it). Pull request head
        and base SHAs, and SHAs given to ``set_file``, are known already. ``message`` and
        ``parents`` put it in the commit graph that compare walks."""
        with self._lock:
            r = self._repo(repo)
            r.commits.add(_sha(sha))
            if message is not None or parents:
                r.commits.update(_sha(p) for p in parents)
                r.history[_sha(sha)] = _Commit(_sha(sha), message or "commit",
                                               tuple(_sha(p) for p in parents), self._now())

    def set_branch(self, repo: str, branch: str, sha: str) -> None:
        """Point ``branch`` at ``sha`` (the default branch is at no commit until set)."""
        with self._lock:
            r = self._repo(repo)
            r.tips[branch] = _sha(sha)
            r.branches.add(branch)
            r.commits.add(_sha(sha))

    def drop_branch(self, repo: str, branch: str) -> None:
        """Delete ``branch``: REST answers 404 for it and GraphQL's ``baseRef`` of a pull
        request into it is null. (GitHub then closes such pull requests; a test of the
        moment between the two leaves them open.)"""
        with self._lock:
            r = self._repo(repo)
            r.tips.pop(branch, None)
            r.branches.discard(branch)

    def set_file(self, repo: str, path: str, ref: str, text: str | bytes | None) -> None:
        """Serve ``text`` at ``path`` for exactly ``ref`` (a SHA or branch name); ``None``
        removes it. Contents are per ref: a file set at the head SHA is not visible at
        the base SHA."""
        with self._lock:
            r = self._repo(repo)
            key = (ref, path.strip("/"))
            if text is None:
                r.contents.pop(key, None)
            else:
                r.contents[key] = text.encode() if isinstance(text, str) else bytes(text)
            if re.fullmatch(r"[0-9a-f]{40}", ref):
                r.commits.add(ref)

    def add_review(
        self, repo: str, number: int, login: str, state: str, commit_id: str | None,
        submitted_at: datetime | str | None = None, body: str = "", *, user_type: str = "User",
    ) -> int:
        if state not in ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"):
            raise ValueError(f"not a review state GitHub reports: {state!r}")
        with self._lock:
            pull = self._pull(self._repo(repo), number)
            submitted = None if state == "PENDING" else (_iso(submitted_at) or self._now())
            review = _Review(
                id=next(self._ids), user=self._user(login, user_type), state=state,
                commit_id=_sha(commit_id) if commit_id else None, submitted_at=submitted,
                body=body,
            )
            pull.reviews.append(review)
            return review.id

    def dismiss_review(self, repo: str, number: int, review_id: int) -> None:
        with self._lock:
            for review in self._pull(self._repo(repo), number).reviews:
                if review.id == review_id:
                    review.state = "DISMISSED"
                    return
            raise KeyError(review_id)

    def add_comment(
        self, repo: str, number: int, body: str, login: str = "octocat",
        user_type: str = "User", *, created_at: datetime | str | None = None,
    ) -> int:
        """Seed an issue comment on a pull request; returns its id."""
        with self._lock:
            return self._new_comment(
                self._pull(self._repo(repo), number), body, self._user(login, user_type),
                _iso(created_at),
            ).id

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        """The comments on a pull request: ``{"id", "body", "login", "type"}``."""
        with self._lock:
            return [
                {"id": c.id, "body": c.body, "login": c.user.login, "type": c.user.type,
                 "created_at": c.created_at, "updated_at": c.updated_at}
                for c in self._pull(self._repo(repo), number).comments
            ]

    def labels(self, repo: str, number: int) -> list[str]:
        with self._lock:
            return [label.name for label in self._pull(self._repo(repo), number).labels]

    def repo_labels(self, repo: str) -> dict[str, tuple[str, str | None]]:
        """The repository's labels: name -> (colour, description)."""
        with self._lock:
            return {lb.name: (lb.color, lb.description) for lb in self._repo(repo).labels.values()}

    def statuses(self, repo: str, sha: str) -> list[dict[str, Any]]:
        """Statuses posted on ``sha``, oldest first."""
        with self._lock:
            return [
                {"state": s.state, "context": s.context, "description": s.description,
                 "target_url": s.target_url, "creator": s.creator.login}
                for s in self._repo(repo).statuses.get(sha, [])
            ]

    def add_label(
        self, repo: str, name: str, *, color: str = "ededed", description: str | None = None
    ) -> None:
        """Create a repository label (issue labels are auto-created when added)."""
        with self._lock:
            r = self._repo(repo)
            label = self._repo_label(r, name)
            label.color, label.description = color, description

    def add_team_member(
        self, org: str, team_slug: str, login: str, state: str = "active", role: str = "member"
    ) -> None:
        if state not in ("active", "pending") or role not in ("member", "maintainer"):
            raise ValueError("state is active|pending, role is member|maintainer")
        with self._lock:
            key = (org.casefold(), team_slug.casefold())
            self._team_ids.setdefault(key, next(self._ids))
            self._org_ids.setdefault(org.casefold(), next(self._ids))
            self._user(login)
            self._teams.setdefault(key, {})[login.casefold()] = (state, role)

    def set_branch_protection(
        self, repo: str, branch: str, protection: Mapping[str, Any] | None
    ) -> None:
        """Protection as GitHub returns it, minus the URLs the double fills in; ``None``
        unprotects. ``FakeGitHub.protection(...)`` builds a typical one."""
        with self._lock:
            r = self._repo(repo)
            if protection is None:
                r.protection.pop(branch, None)
            else:
                r.protection[branch] = copy.deepcopy(dict(protection))

    @staticmethod
    def protection(
        contexts: Sequence[str] = ("Gatekeeper Enforcement / gatekeeper",), *,
        strict: bool = True, enforce_admins: bool = False, approvals: int | None = 1,
        app_id: int | None = None, code_owners: bool = False,
        bypass_users: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A typical branch protection (required checks, reviews, admin enforcement).
        ``app_id``: the app each check must come from (None: any source);
        ``bypass_users``: logins allowed to skip the pull request (served as users)."""
        result: dict[str, Any] = {
            "required_status_checks": {
                "strict": strict, "contexts": list(contexts),
                "checks": [{"context": c, "app_id": app_id} for c in contexts],
            },
            "enforce_admins": {"enabled": enforce_admins},
            "required_linear_history": {"enabled": False},
            "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
            "required_conversation_resolution": {"enabled": False},
        }
        if approvals is not None:
            result["required_pull_request_reviews"] = {
                "dismiss_stale_reviews": True, "require_code_owner_reviews": code_owners,
                "required_approving_review_count": approvals,
                "require_last_push_approval": False,
            }
            if bypass_users is not None:
                result["required_pull_request_reviews"]["bypass_pull_request_allowances"] = {
                    "users": list(bypass_users), "teams": [], "apps": []}
        return result

    def add_ruleset(
        self,
        repo: str,
        name: str,
        *,
        rules: Sequence[Mapping[str, Any]] = (),
        required_checks: Sequence[str] = (),
        enforcement: str = "active",
        target: str = "branch",
        include: Sequence[str] = ("~DEFAULT_BRANCH",),
        exclude: Sequence[str] = (),
        bypass_actors: Sequence[Mapping[str, Any]] = (),
        integration_id: int | None = None,
    ) -> int:
        """A repository ruleset. ``required_checks`` adds a ``required_status_checks``
        rule; ``rules`` are GitHub rule objects (``{"type": ..., "parameters": ...}``).
        Patterns follow GitHub: ``~DEFAULT_BRANCH``, ``~ALL``, ``refs/heads/<glob>``."""
        all_rules = [copy.deepcopy(dict(rule)) for rule in rules]
        if required_checks:
            all_rules.append({
                "type": "required_status_checks",
                "parameters": {
                    "strict_required_status_checks_policy": False,
                    "do_not_enforce_on_create": False,
                    "required_status_checks": [
                        {"context": c} if integration_id is None else
                        {"context": c, "integration_id": integration_id}
                        for c in required_checks],
                },
            })
        with self._lock:
            r = self._repo(repo)
            ruleset = _Ruleset(
                id=next(self._ids) % 1_000_000, name=name, target=target,
                enforcement=enforcement, include=tuple(include), exclude=tuple(exclude),
                rules=all_rules, bypass_actors=[dict(a) for a in bypass_actors],
                created_at=self._now(),
            )
            r.rulesets.append(ruleset)
            return ruleset.id

    def add_branch(self, repo: str, branch: str) -> None:
        """Make ``branch`` exist (the default branch, and a branch given to ``set_file`` or
        ``set_branch_protection``, exist already)."""
        with self._lock:
            self._repo(repo).branches.add(branch)

    def add_workflow(
        self, repo: str, path: str, name: str, state: str = "active"
    ) -> None:
        with self._lock:
            r = self._repo(repo)
            r.workflows.append({
                "id": next(self._ids), "name": name, "path": path, "state": state,
                "created_at": self._now(),
            })


    def webhook_payload(
        self, event: str, action: str, repo: str, number: int, **extra: Any
    ) -> dict[str, Any]:
        """A webhook payload for ``event``/``action`` on a seeded pull request: GitHub's
        real example (``github_contract.load_webhook``) with ``pull_request``,
        ``repository``, ``number``, ``sender`` (and ``review`` for review events)
        replaced by the double's current state; ``extra`` keys are set last. The
        ``pull_request.edited`` example is missing upstream; it is built from
        ``opened`` with ``action: edited`` (pass ``changes=``)."""
        fixture_action = "opened" if (event, action) == ("pull_request", "edited") else action
        payload = github_contract.load_webhook(event, fixture_action)
        payload["action"] = action
        with self._lock:
            r = self._repo(repo)
            pull = self._pull(r, number)
            if "pull_request" in payload:
                payload["pull_request"] = self._pull_json(pull)
            payload["repository"] = self._repo_json(r, full=False)
            if "number" in payload:
                payload["number"] = number
            payload["sender"] = self._user_json(pull.user)
            if event == "pull_request_review" and pull.reviews:
                payload["review"] = self._review_json(pull, pull.reviews[-1])
                payload["sender"] = self._user_json(pull.reviews[-1].user)
        if action == "edited":
            payload.setdefault("changes", {})
        payload.update(extra)
        return payload
