"""Check a GitHub test double against GitHub's own published artifacts.

The fixtures in ``tests/fixtures/github/`` are copies of what GitHub/Octokit publish on
npm (see ``tests/fixtures/github/SOURCES.md``; regenerate with
``python scripts/make_github_fixtures.py``). This module turns them into checks:

Webhooks
    ``load_webhook("pull_request", "opened")`` returns a real example payload.

GraphQL
    ``validate_graphql(query)`` returns the validation error messages of a query
    against GitHub's schema (``[]`` when valid). ``execute_graphql(query, variables,
    data)`` runs a query against the schema over plain nested dicts/lists, so a fake
    server can answer real queries with ``execute_graphql(...).formatted``.

    How a test double supplies data: ``data`` is the value of the ``Query`` root. Each
    object is a ``Mapping`` keyed by field name (or by the alias used in the query,
    which wins when both are present); lists are lists. A value may be a callable,
    called like graphql-core's default resolver: ``value(info, **field_arguments)``
    (e.g. ``"pullRequests": lambda info, first, **kw: {...}``); its result is resolved
    further. Objects returned for an interface or union (``node``, ``nodes``,
    ``search`` results, ``...on PullRequest``) must carry ``"__typename"``. By
    default the resolver is strict: a field the query selects but the data lacks is an
    error (put an explicit ``None`` for a GitHub ``null``), and leaf values must have
    the JSON type GitHub sends (``Int`` is an ``int``, ``DateTime`` an ISO-8601
    string, ``GitObjectID`` a full hex SHA ...) rather than being coerced.

REST
    ``check_rest_response(method, path, status, body)`` raises ``AssertionError`` if
    ``body`` (already JSON-decoded) does not conform to the response GitHub's OpenAPI
    description declares for that operation and status. ``path`` may be a template
    (``/repos/{owner}/{repo}/pulls``) or a concrete path or URL
    (``/repos/o/r/pulls/5/files?page=2``). An undeclared status fails, and so does a
    body where the description declares no content (use ``None``).

Only ``jsonschema`` and ``graphql-core`` are used.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import graphql
import jsonschema
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
WEBHOOKS_DIR = FIXTURES / "webhooks"
GRAPHQL_SCHEMA_PATH = FIXTURES / "graphql" / "schema.json.gz"
OPENAPI_PATH = FIXTURES / "openapi" / "api.github.com.trimmed.json"

__all__ = [
    "FIXTURES",
    "OpenAPIResponses",
    "available_webhooks",
    "check_rest_response",
    "execute_graphql",
    "graphql_schema",
    "graphql_schema_tolerated_errors",
    "load_webhook",
    "openapi_responses",
    "validate_graphql",
]


# --- Webhooks -------------------------------------------------------------------------


def available_webhooks() -> list[tuple[str, str]]:
    """The ``(event, action)`` pairs that have a fixture (``action`` "" for ``push``)."""
    pairs = []
    for path in sorted(WEBHOOKS_DIR.glob("*.json")):
        if path.name == "manifest.json":
            continue
        event, _, action = path.name.removesuffix(".json").partition(".")
        pairs.append((event, action))
    return pairs


def load_webhook(event: str, action: str) -> dict[str, Any]:
    """A real example payload for ``event``/``action`` (a fresh copy each call); an event
    without actions (``push``) takes ``action=""``."""
    path = WEBHOOKS_DIR / (f"{event}.{action}.json" if action else f"{event}.json")
    if not path.is_file():
        manifest = json.loads((WEBHOOKS_DIR / "manifest.json").read_text(encoding="utf-8"))
        why = manifest["missing"].get(f"{event}.{action}", "not extracted by the script")
        raise LookupError(
            f"no webhook fixture for {event}.{action} ({why}); available: {available_webhooks()}"
        )
    payload = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(payload, dict):
        raise TypeError(f"{path}: payload is not an object")
    return payload


# --- GraphQL --------------------------------------------------------------------------

# graphql-core >= 3.3 (following graphql-js 17) rejects a schema whose implementation
# field is deprecated while the interface field is not. GitHub's production schema
# does this (e.g. PullRequest.databaseId vs Reactable.databaseId). It only concerns
# deprecation annotations, not what a query may select or receive, so it is tolerated;
# any other schema error still fails.
_TOLERATED_SCHEMA_ERRORS = (
    re.compile(
        r"^Interface field \S+ is not deprecated, so implementation field \S+ "
        r"must not be deprecated\.$"
    ),
)


def _introspection() -> dict[str, Any]:
    with gzip.open(GRAPHQL_SCHEMA_PATH, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    data = raw.get("data", raw)  # tolerate a bare {"__schema": ...}
    if not isinstance(data, dict) or "__schema" not in data:
        raise ValueError(f"{GRAPHQL_SCHEMA_PATH}: not an introspection result")
    return data


@cache
def _schema_and_tolerated() -> tuple[graphql.GraphQLSchema, tuple[str, ...]]:
    data = _introspection()
    checked = graphql.build_client_schema(data)  # type: ignore[arg-type]
    errors = [e.message for e in graphql.validate_schema(checked)]
    tolerated = tuple(m for m in errors if any(p.match(m) for p in _TOLERATED_SCHEMA_ERRORS))
    fatal = [m for m in errors if m not in tolerated]
    if fatal:
        raise ValueError("GitHub GraphQL schema is invalid:\n" + "\n".join(fatal))
    # Rebuild with validation marked done: only tolerated errors remain at this point.
    schema = graphql.build_client_schema(data, assume_valid=True)  # type: ignore[arg-type]
    return schema, tolerated


def graphql_schema() -> graphql.GraphQLSchema:
    """GitHub's GraphQL schema, built with ``build_client_schema`` (cached)."""
    return _schema_and_tolerated()[0]


def graphql_schema_tolerated_errors() -> tuple[str, ...]:
    """Schema-validation messages that were tolerated (see ``_TOLERATED_SCHEMA_ERRORS``)."""
    return _schema_and_tolerated()[1]


def validate_graphql(query: str) -> list[str]:
    """Syntax and validation error messages for ``query`` (empty when valid)."""
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError as exc:
        return [exc.message]
    return [e.message for e in graphql.validate(graphql_schema(), document)]


# graphql.GraphQLResolveInfo is generic in graphql-core 3.3 but not in 3.2; this module
# supports both, so resolver signatures use this alias.
ResolveInfo = Any

_INT32 = (-(2**31), 2**31 - 1)
_DATE_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GIT_OID_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_TIME_RE.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _leaf_problem(type_name: str, value: object) -> str | None:
    """Why ``value`` is not what GitHub would send for scalar ``type_name``, or None."""
    if type_name == "Int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok and _INT32[0] <= value <= _INT32[1] else "expected a 32-bit int"  # type: ignore[operator]
    if type_name == "Float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "expected a number"
    if type_name == "Boolean":
        return None if isinstance(value, bool) else "expected a bool"
    if type_name in ("DateTime", "PreciseDateTime", "GitTimestamp"):
        return None if _is_date_time(value) else "expected an ISO-8601 date-time string"
    if type_name == "Date":
        return None if _is_date(value) else "expected an ISO-8601 date string (YYYY-MM-DD)"
    if type_name == "GitObjectID":
        ok = isinstance(value, str) and bool(_GIT_OID_RE.match(value))
        return None if ok else "expected a full lowercase hex object id"
    # String, ID and GitHub's other custom scalars (URI, HTML, BigInt, ...) are strings.
    return None if isinstance(value, str) else "expected a string"


_COMPOSITE = (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType, graphql.GraphQLUnionType)
_NOT_OBJECTS = (str, bytes, int, float, list, tuple)


def _check_output(value: Any, type_: graphql.GraphQLOutputType, where: str) -> None:
    """Strict check of a resolved value against a (possibly wrapped) leaf type."""
    if value is None:
        return  # non-null violations are reported by graphql-core itself
    if isinstance(type_, graphql.GraphQLNonNull):
        _check_output(value, type_.of_type, where)
    elif isinstance(type_, graphql.GraphQLList):
        if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
            raise graphql.GraphQLError(f"{where}: expected a list, got {type(value).__name__}")
        for i, item in enumerate(value):
            _check_output(item, type_.of_type, f"{where}[{i}]")
    elif isinstance(type_, graphql.GraphQLScalarType):
        problem = _leaf_problem(type_.name, value)
        if problem:
            raise graphql.GraphQLError(f"{where} ({type_.name}): {problem}, got {value!r}")
    elif isinstance(type_, _COMPOSITE) and isinstance(value, _NOT_OBJECTS):
        raise graphql.GraphQLError(
            f"{where}: expected an object for {type_.name}, got {type(value).__name__}"
        )
    elif isinstance(type_, graphql.GraphQLEnumType) and (
        not isinstance(value, str) or value not in type_.values
    ):
        raise graphql.GraphQLError(
            f"{where} ({type_.name}): {value!r} is not one of {sorted(type_.values)}"
        )


def make_field_resolver(*, strict: bool = True) -> Callable[..., Any]:
    """A ``field_resolver`` reading nested dicts (see the module docstring)."""

    def resolve(source: Any, info: ResolveInfo, **args: Any) -> Any:
        field = info.field_name
        key = info.path.key
        where = f"{info.parent_type.name}.{field} at {'.'.join(map(str, info.path.as_list()))}"
        if isinstance(source, Mapping):
            if isinstance(key, str) and key != field and key in source:
                value = source[key]
            elif field in source:
                value = source[field]
            elif strict:
                raise graphql.GraphQLError(f"test double supplies no value for {where}")
            else:
                value = None
        else:
            value = getattr(source, field, None)
        if callable(value):
            value = value(info, **args)
        if strict:
            _check_output(value, info.return_type, where)
        return value

    return resolve


def _type_resolver(
    value: Any, info: ResolveInfo, abstract_type: graphql.GraphQLAbstractType
) -> str:
    name = value.get("__typename") if isinstance(value, Mapping) else None
    if not isinstance(name, str):
        raise graphql.GraphQLError(
            f"test double must give '__typename' for a value of abstract type "
            f"{abstract_type.name} at {'.'.join(map(str, info.path.as_list()))}"
        )
    return name


def execute_graphql(
    query: str,
    variables: Mapping[str, Any] | None = None,
    data: Any = None,
    *,
    operation_name: str | None = None,
    strict: bool = True,
) -> graphql.ExecutionResult:
    """Execute ``query`` against GitHub's schema with ``data`` as the ``Query`` root.

    Returns graphql-core's ``ExecutionResult``; ``result.formatted`` is the JSON body a
    GraphQL server sends (``{"data": ..., "errors": [...]}``). Invalid queries come back
    with ``data=None`` and the validation errors, as GitHub would answer them.
    """
    return graphql.graphql_sync(
        graphql_schema(),
        query,
        root_value=data,
        variable_values=dict(variables) if variables is not None else None,
        operation_name=operation_name,
        field_resolver=make_field_resolver(strict=strict),
        type_resolver=_type_resolver,
    )


# --- REST (OpenAPI) -----------------------------------------------------------------

# OpenAPI-only keywords that carry no validation meaning; dropped before validation.
_ANNOTATIONS = frozenset(
    {"discriminator", "example", "examples", "xml", "externalDocs", "deprecated",
     "readOnly", "writeOnly"}
)  # fmt: skip
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BASE_URI = "https://gatekeeper.invalid/github-openapi.json"


def _translate_schema_30(schema: Any) -> Any:
    """An OpenAPI 3.0 Schema Object as a JSON Schema (draft 4) schema.

    * ``$ref`` keeps only itself (3.0: sibling keywords are ignored).
    * ``nullable: true`` adds ``"null"`` to ``type`` (and ``None`` to ``enum``); without a
      ``type`` (``oneOf``/``allOf``/``anyOf``/``{}``) the schema becomes
      ``anyOf: [schema, {type: null}]``. This is the reading GitHub's description needs
      (its nullable ``oneOf``/``allOf`` members are sent as ``null``), slightly more
      permissive than the letter of OpenAPI 3.0.3.
    * OpenAPI-only annotation keywords are dropped.
    """
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or key == "nullable":
            continue
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: _translate_schema_30(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            if isinstance(value, list):
                out[key] = [_translate_schema_30(sub) for sub in value]
            else:
                out[key] = _translate_schema_30(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_translate_schema_30(sub) for sub in value]
        else:
            out[key] = value
    if schema.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _translate_document_30(node: Any, *, in_schema_slot: bool = False) -> Any:
    """Translate every Schema Object of an OpenAPI 3.0 document; copy the rest."""
    if in_schema_slot:
        return _translate_schema_30(node)
    if isinstance(node, list):
        return [_translate_document_30(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("example", "examples"):
            continue  # example data, not schemas; may contain anything
        out[key] = _translate_document_30(value, in_schema_slot=key == "schema")
    return out


def _translate_document(document: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """The document prepared for jsonschema, and the validator class to use."""
    version = str(document.get("openapi", ""))
    doc = json.loads(json.dumps(document))  # deep copy, JSON types only
    if version.startswith("3.0"):
        translated = _translate_document_30({k: v for k, v in doc.items() if k != "components"})
        components: dict[str, Any] = {}
        for section, entries in doc.get("components", {}).items():
            if section == "schemas":
                components[section] = {n: _translate_schema_30(s) for n, s in entries.items()}
            elif section == "examples":
                continue  # example data only
            else:
                components[section] = _translate_document_30(entries)
        translated["components"] = components
        return translated, jsonschema.Draft4Validator
    if version.startswith("3.1"):
        return doc, jsonschema.Draft202012Validator
    raise ValueError(f"unsupported OpenAPI version {version!r}")


def _pointer(*tokens: str) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


def _format_checker() -> jsonschema.FormatChecker:
    """Checks the formats GitHub's description uses; other formats are annotations."""
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or _is_date_time(value)

    @checker.checks("date")
    def _date(value: object) -> bool:
        return not isinstance(value, str) or _is_date(value)

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if any(c.isspace() for c in value):
            return False
        return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value))

    @checker.checks("int64")
    def _int64(value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return -(2**63) <= value < 2**63

    @checker.checks("int32")
    def _int32(value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return _INT32[0] <= value <= _INT32[1]

    return checker


def _error_lines(errors: Iterator[ValidationError], limit: int = 20) -> list[str]:
    def shorten(text: str, limit: int) -> str:
        # Messages start with the offending instance's repr; keep both ends readable.
        if len(text) <= limit:
            return text
        head = limit // 3
        return f"{text[:head]} ... {text[len(text) - (limit - head - 5) :]}"

    def render(err: ValidationError) -> str:
        line = f"{err.json_path}: {shorten(err.message, 300)}"
        if err.context:  # oneOf/anyOf: say why the closest alternative failed
            best = jsonschema.exceptions.best_match(err.context)
            if best is not None:
                line += f" [closest alternative: {best.json_path}: {shorten(best.message, 200)}]"
        return line

    ordered = sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message))
    lines = [render(e) for e in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"... and {len(ordered) - limit} more")
    return lines


class OpenAPIResponses:
    """Response checks for an OpenAPI description (3.0 or 3.1)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        translated, validator_cls = _translate_document(document)
        self._translated = translated
        self._validator_cls = validator_cls
        spec = DRAFT4 if validator_cls is jsonschema.Draft4Validator else DRAFT202012
        resource: Resource[Any] = spec.create_resource(translated)
        self._registry: Registry[Any] = Registry().with_resource(_BASE_URI, resource)
        self._format_checker = _format_checker()
        self._templates: list[tuple[str, re.Pattern[str], int]] = []
        for template in document.get("paths", {}):
            regex, n_params = self._compile(template)
            self._templates.append((template, regex, n_params))

    @classmethod
    def from_path(cls, path: Path) -> OpenAPIResponses:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @staticmethod
    def _compile(template: str) -> tuple[re.Pattern[str], int]:
        pattern, n_params = "", 0
        for part in re.split(r"(\{[^{}]+\})", template):
            if part.startswith("{") and part.endswith("}"):
                n_params += 1
                # Only a file path may span segments (contents/{path}).
                pattern += "(.+)" if part == "{path}" else "([^/]+)"
            else:
                pattern += re.escape(part)
        return re.compile(f"^{pattern}/?$"), n_params

    def match_path(self, path: str) -> str:
        """The path template for a template or a concrete path/URL."""
        if path in self.document.get("paths", {}):
            return path
        concrete = urlsplit(path).path if "://" in path else path.split("?", 1)[0]
        candidates = [concrete]
        if concrete.startswith("/api/v3/"):  # GitHub Enterprise Server REST prefix
            candidates.append(concrete[len("/api/v3") :])
        for candidate in candidates:
            hits = [(n, t) for t, rx, n in self._templates if rx.match(candidate)]
            if hits:
                hits.sort()
                if len(hits) > 1 and hits[0][0] == hits[1][0]:
                    raise AssertionError(f"{path!r} matches several templates: {hits}")
                return hits[0][1]
        raise AssertionError(
            f"{path!r} matches no path in the trimmed OpenAPI description; known: "
            f"{sorted(self.document.get('paths', {}))}"
        )

    def _deref(self, obj: Any, pointer: str) -> tuple[Any, str]:
        """Follow a non-schema ``$ref`` (responses) within the document."""
        seen = set()
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if not ref.startswith("#/") or ref in seen:
                raise AssertionError(f"unsupported or cyclic $ref {ref!r}")
            seen.add(ref)
            pointer = ref[1:]
            obj = self.document
            for token in pointer.split("/")[1:]:
                obj = obj[token.replace("~1", "/").replace("~0", "~")]
        return obj, pointer

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        template = self.match_path(path)
        item = self.document["paths"][template]
        op = item.get(method.lower())
        if method.lower() not in _METHODS or not isinstance(op, dict):
            declared = sorted(m.upper() for m in item if m in _METHODS)
            raise AssertionError(f"{method.upper()} {template} is not declared; {declared} are")
        return template, op

    def errors(
        self,
        method: str,
        path: str,
        status: int,
        body: Any,
        *,
        content_type: str = "application/json",
    ) -> list[str]:
        """Why ``body`` does not conform (empty list when it does)."""
        template, op = self.operation(method, path)
        label = f"{method.upper()} {template} ({op.get('operationId', '?')}) -> {status}"
        responses = op.get("responses", {})
        key = str(status)
        if key not in responses:
            key = f"{str(status)[0]}XX"
            if key not in responses:
                return [f"{label}: status not declared; declared: {sorted(responses)}"]
        response, pointer = self._deref(
            responses[key], _pointer("paths", template, method.lower(), "responses", key)
        )
        content = response.get("content") or {}
        if not content:
            if body is None:
                return []
            return [f"{label}: the description declares no body, got {type(body).__name__}"]
        if content_type not in content:
            return [f"{label}: no {content_type!r} content declared; have {sorted(content)}"]
        media = content[content_type]
        if "schema" not in media:
            return []  # any body allowed
        ref = _BASE_URI + "#" + quote(pointer + _pointer("content", content_type, "schema"))
        validator = self._validator_cls(
            {"$ref": ref}, registry=self._registry, format_checker=self._format_checker
        )
        lines = _error_lines(validator.iter_errors(body))
        return [f"{label}: {line}" for line in lines]

    def check(
        self,
        method: str,
        path: str,
        status: int,
        body: Any,
        *,
        content_type: str = "application/json",
    ) -> None:
        """Raise ``AssertionError`` listing every problem if ``body`` does not conform."""
        problems = self.errors(method, path, status, body, content_type=content_type)
        if problems:
            raise AssertionError(
                "response does not conform to GitHub's OpenAPI description:\n  "
                + "\n  ".join(problems)
            )


@cache
def openapi_responses() -> OpenAPIResponses:
    """Checks against the trimmed api.github.com description (cached)."""
    return OpenAPIResponses.from_path(OPENAPI_PATH)


def check_rest_response(
    method: str,
    path_template_or_concrete_path: str,
    status: int,
    body: Any,
    *,
    content_type: str = "application/json",
) -> None:
    """Assert ``body`` conforms to GitHub's declared response for this operation/status."""
    openapi_responses().check(
        method, path_template_or_concrete_path, status, body, content_type=content_type
    )
