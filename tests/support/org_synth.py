"""An organisation of synthetic pull request histories, served through the double.

``OrgSynth(org, datasets).provider`` is a ``FakeGitHub.graphql_data`` callable: each
repository's history as ``metrics_synth.SynthGitHub`` serves it (node IDs unique across
repositories), and ``organization(login) { repositories }`` over all of them (archived
ones marked), so ``gatekeeper metrics --org`` runs its real queries against GitHub's schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tests.support.metrics_synth import Dataset, SynthGitHub, _connection


class OrgSynth:
    def __init__(self, org: str, datasets: Mapping[str, Dataset], *,
                 root_url: str = "https://github.example", archived: Iterable[str] = ()):
        self.org = org
        self.repos = {name: SynthGitHub(dataset, root_url, repo=name)
                      for name, dataset in datasets.items()}
        self.archived = {name.casefold() for name in archived}
        self.queries: list[tuple[str, dict[str, Any]]] = []

    def provider(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        self.queries.append((query, dict(variables)))
        return {"repository": self._repository, "node": self._node, "nodes": self._nodes,
                "organization": self._organization}

    def _repository(self, info: Any, owner: str, name: str, **rest: Any) -> Any:
        synth = self.repos.get(f"{owner}/{name}")
        return None if synth is None else synth._repository(info, owner, name, **rest)

    def _node(self, info: Any, id: str) -> Any:
        for synth in self.repos.values():
            if id in synth.by_id:
                return synth._node(info, id)
        return None

    def _nodes(self, info: Any, ids: list[str]) -> Any:
        return [self._node(info, i) for i in ids]

    def _organization(self, info: Any, login: str) -> Any:
        if login.casefold() != self.org.casefold():
            return None
        names = sorted(self.repos, key=str.casefold)

        def node(name: str) -> dict[str, Any]:
            owner, _, short = name.partition("/")
            return {**self.repos[name]._repository(info, owner, short),
                    "isArchived": name.casefold() in self.archived, "isFork": False}

        def repositories(info: Any, orderBy: Any = None, **page: Any) -> Any:
            return _connection(names, node, **page)

        return {"repositories": repositories}
