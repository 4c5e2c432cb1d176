"""The double's strictness: requests and responses checked against GitHub's OpenAPI description."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import quote

import jsonschema

from tests.support import github_contract
from tests.support.github_double.state import (
    _DOCS,
    _VALID_SUBTREES,
    SAMPLE_EVERY,
    SAMPLE_FULL,
    Json,
    _encode,
    _Fail,
    _Response,
    _validation_failed,
)


@cache
def _error_validator(name: str) -> jsonschema.Draft4Validator:
    """GitHub's generic error schemas (``basic-error``, ``validation-error``); plain JSON
    Schema without ``$ref`` or ``nullable``, so they validate as they are."""
    schema = github_contract.openapi_responses().document["components"]["schemas"][name]
    translated = json.loads(json.dumps(schema).replace('"nullable": true', '"x-nullable": true'))
    return jsonschema.Draft4Validator(translated)


@cache
def _request_validator(method: str, template: str) -> Any:
    """A validator for the operation's JSON request body, or None when none is declared.

    Uses github_contract's translated document and registry (the same ones its response
    checks use), so request and response checks read the description identically."""
    api = github_contract.openapi_responses()
    op = api.document["paths"][template].get(method.lower(), {})
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not media or "schema" not in media:
        return None
    tokens = ("paths", template, method.lower(), "requestBody", "content", "application/json")
    pointer = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in (*tokens, "schema"))
    ref = github_contract._BASE_URI + "#" + quote(pointer)
    return api._validator_cls(
        {"$ref": ref}, registry=api._registry, format_checker=api._format_checker
    )


@cache
def _body_required(method: str, template: str) -> bool:
    """OpenAPI's ``requestBody.required`` (false unless the description says so)."""
    op = github_contract.openapi_responses().document["paths"][template].get(method.lower(), {})
    return bool(op.get("requestBody", {}).get("required", False))


def _memo_ref(validator: Any, ref: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``$ref`` that skips a JSON subtree already found valid against the same ``$ref``.

    Sound for this document: Draft 4, one document, no dynamic scope, so whether a
    subtree conforms to a ``$ref`` depends only on the ref and the subtree. Only
    *valid* verdicts are remembered; failures are always re-validated."""
    if not isinstance(instance, dict | list):
        yield from validator._validate_reference(ref=ref, instance=instance)
        return
    key = (ref, hashlib.blake2b(_encode(instance), digest_size=16).digest())
    if key in _VALID_SUBTREES:
        return
    errors = list(validator._validate_reference(ref=ref, instance=instance))
    if not errors:
        _VALID_SUBTREES.add(key)
    yield from errors


@cache
def _fast_validator(method: str, template: str, status: int) -> Any:
    """A memoizing validator for the operation's response schema (or None when the
    response declares no JSON schema). Built from github_contract's own translated
    document, registry, validator class and format checker."""
    api = github_contract.openapi_responses()
    _, op = api.operation(method, template)
    responses = op.get("responses", {})
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    if key not in responses:
        return None
    tokens = ("paths", template, method.lower(), "responses", key)
    pointer = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)
    response, pointer = api._deref(responses[key], pointer)
    if "schema" not in response.get("content", {}).get("application/json", {}):
        return None
    pointer += "/content/application~1json/schema"
    memo_cls = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        api._validator_cls, {"$ref": _memo_ref}
    )
    return memo_cls(
        {"$ref": github_contract._BASE_URI + "#" + quote(pointer)},
        registry=api._registry, format_checker=api._format_checker,
    )


@cache
def _declared(method: str, template: str, status: int) -> tuple[bool, bool]:
    """(status declared for the operation, declared with a body)."""
    api = github_contract.openapi_responses()
    _, op = api.operation(method, template)
    responses = op.get("responses", {})
    key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
    if key not in responses:
        return False, False
    response, _ = api._deref(responses[key], "")
    return True, bool(response.get("content"))


class Conformance:
    """Every request and response checked against GitHub's published description."""

    def _violation(self, message: str) -> None:
        self.violations.append(message)

    def _check_request(self, method: str, template: str, body: Json) -> None:
        if method in ("GET", "DELETE"):
            return
        validator = _request_validator(method, template)
        if validator is None:
            return
        if (method, template) == ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels") \
                and isinstance(body, list) and all(isinstance(x, str) for x in body):
            # GitHub also accepts a bare array of names (PyGithub sends one); the
            # description lists only the object form.
            return
        if body is None and not _body_required(method, template):
            return  # the description says the body may be left out (requestBody.required)
        if body is None:
            errors = ["a JSON body is required"]
        else:
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
        if errors:
            self._violation(f"request to {method} {template} does not conform: {errors}")
            raise _Fail(_validation_failed(errors[0], docs=_DOCS))

    def _finalize(
        self, method: str, template: str | None, rel: str, response: _Response
    ) -> _Response:
        for t in self._tampers:
            if t.method in ("*", method) and t.pattern.search(rel) and t.times != 0:
                if t.times is not None:
                    t.times -= 1
                response.body = t.fn(copy.deepcopy(response.body))
        if template is None or not self._should_check(method, template, response.status):
            return response
        problems = self._conformance(method, template, response)
        if problems:
            for problem in problems:
                self._violation(problem)
            return _Response(
                500,
                {"message": "GitHub test double: this response does not conform to GitHub's "
                            "OpenAPI description", "violations": problems},
            )
        return response

    def _should_check(self, method: str, template: str, status: int) -> bool:
        if self.check == "all":
            return True
        if self.check == "off":
            return False
        key = (method, template, status)
        seen = self._sampled[key] = self._sampled.get(key, 0) + 1
        return seen <= SAMPLE_FULL or seen % SAMPLE_EVERY == 0

    def _conformance(self, method: str, template: str, response: _Response) -> list[str]:
        status, body = response.status, response.body
        declared, with_body = _declared(method, template, status)
        if declared and (with_body or body is None):
            return self._checked(method, template, status, body)
        label = f"{method} {template} -> {status}"
        if response.kind == "fault":
            return []  # undeclared injected status: exempt (listed in self.injected)
        if response.kind == "error" and status >= 400:
            self.undeclared.append(label)
            name = "validation-error" if status == 422 else "basic-error"
            errors = [e.message for e in _error_validator(name).iter_errors(body)]
            return [f"{label}: not a GitHub {name} body: {e}" for e in errors]
        return [f"{label}: status not declared by GitHub's description for this operation"]

    def _checked(self, method: str, template: str, status: int, body: Json) -> list[str]:
        """Check exactly what is served (the body re-read from its JSON encoding).

        A memoizing validator answers "valid" fast for subtrees seen before; any
        failure is reported by ``github_contract`` itself (``OpenAPIResponses.errors``,
        what ``check_rest_response`` raises on)."""
        served = None if body is None else json.loads(_encode(body))
        fast = _fast_validator(method, template, status)
        if fast is not None and next(iter(fast.iter_errors(served)), None) is None:
            return []
        return github_contract.openapi_responses().errors(method, template, status, served)
