"""JSON-LD canonicalisation (RDFC-1.0) with pyld, over the context documents we ship.

The document loader answers only for the published context files in ``contexts/``
(checked against their SHA-256 when first loaded); any other URL is refused, so
nothing is ever fetched over the network while signing or verifying.

pyld quietly drops a term no context defines, and a triple whose subject or object
is a relative IRI. A signature over such a document would not cover that data, so
the processor here refuses both, as the Data Integrity "safe mode" asks.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

CONTEXTS_DIR: Final = Path(__file__).resolve().parent / "contexts"

VC_V2: Final = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2: Final = "https://w3id.org/security/data-integrity/v2"
OB_V3: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS: Final = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

# URL -> (file, sha256): see /contexts/README.md in the shared folder this came from.
CONTEXT_FILES: Final[Mapping[str, tuple[str, str]]] = {
    VC_V2: (
        "credentials-v2.jsonld",
        "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
    ),
    DATA_INTEGRITY_V2: (
        "data-integrity-v2.jsonld",
        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    ),
    OB_V3: (
        "ob-context-3.0.3.jsonld",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    OB_EXTENSIONS: (
        "ob-extensions.jsonld",
        "2d013f981d1f4516081a6a04e55468ba2b071d4153b794f19a79715c45a89a5e",
    ),
}


class ContextNotAvailable(ValueError):
    """A document names a context we do not ship; we never fetch one."""


class UnsignableData(ValueError):
    """The document holds data that canonicalisation would drop (an undefined term...)."""


@cache
def context_document(url: str) -> dict[str, Any]:
    """The parsed context document for ``url``, after checking its hash."""
    try:
        name, digest = CONTEXT_FILES[url]
    except KeyError:
        raise ContextNotAvailable(f"context {url} is not one this service knows") from None
    raw = (CONTEXTS_DIR / name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != digest:
        raise RuntimeError(f"the shipped copy of {url} ({name}) has been changed")
    document: dict[str, Any] = json.loads(raw)
    return document


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's loader: the local copy of a known context, else an error; never the network."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        # "static": pyld may keep the resolved context for every later document.
        "tag": "static",
        # pyld may keep parts of what it is given; hand it a copy of the cached document.
        "document": copy.deepcopy(context_document(url)),
    }


# Scoped contexts inside the shipped documents are the same dict objects on every run;
# pyld would otherwise serialise each one canonically, every time, to look it up. The
# entry keeps its dict alive, so an id in the cache cannot be reused by another object.
_BY_IDENTITY: LRUCache[int, tuple[Any, Any]] = LRUCache(maxsize=1024)


class _Resolver(ContextResolver):  # type: ignore[misc]
    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        if isinstance(context, dict) and "@context" in context:
            context = context["@context"]
        resolved: list[Any] = []
        for item in context if isinstance(context, list) else [context]:
            if not isinstance(item, dict):
                resolved.extend(super().resolve(active_ctx, item, base, cycles))
                continue
            hit = _BY_IDENTITY.get(id(item))
            if hit is not None and hit[0] is item:
                resolved.append(hit[1])
                continue
            fresh = super().resolve(active_ctx, item, base, cycles)
            if len(fresh) == 1:
                _BY_IDENTITY[id(item)] = (item, fresh[0])
            resolved.extend(fresh)
        return resolved


def _refuse_dropped(expanded_property: Any) -> None:
    raise UnsignableData(f"the term {expanded_property!r} is not defined by any context")


# A type-scoped context applies to one node only, so pyld first clones the active
# context to remember the one to return to. The clone gets a fresh random id, and pyld
# caches processed contexts by that id, so it would process every type-scoped context
# of every document anew. The clone depends only on its parent (not changed once
# processed), so one clone per parent, named after it, keeps those cache entries
# useful from one document to the next.
_NON_PROPAGATING: LRUCache[str, dict[str, Any]] = LRUCache(maxsize=1024)


# Expanding a credential asks pyld for the IRI of the same terms in the same (cached,
# no longer changing) active contexts about 180 times; the answers are kept here, each
# with its context so that an id is never mistaken for another object's. Contexts
# being built (inside _process_context) are still changing, so nothing is kept then.
# Only terms and types (``vocab``) are kept: the other values are the document's own
# ids (the credential's URL, its subject's), new in every credential, which would only
# fill the dict (five entries a credential, never asked for again).
_EXPANDED_IRIS: dict[tuple[int, str, Any, bool], tuple[Any, Any]] = {}
_EXPANDED_IRIS_MAX: Final = 16_384


class _StrictProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(on_property_dropped=_refuse_dropped)
        self._building_context = 0

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        if (
            self._building_context
            or local_ctx is not None
            or not vocab
            or not isinstance(value, str)
        ):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (id(active_ctx), value, base, vocab)
        hit = _EXPANDED_IRIS.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[1]
        expanded = super()._expand_iri(active_ctx, value, base, vocab)
        if len(_EXPANDED_IRIS) >= _EXPANDED_IRIS_MAX:
            _EXPANDED_IRIS.clear()
        _EXPANDED_IRIS[key] = (active_ctx, expanded)
        return expanded

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        parent_id = active_ctx.get("_uuid")
        if not propagate and parent_id and not active_ctx.get("previousContext"):
            clone = _NON_PROPAGATING.get(parent_id)
            if clone is None or clone["previousContext"] is not active_ctx:
                clone = self._clone_active_context(active_ctx)
                clone["previousContext"] = active_ctx
                clone["_uuid"] = f"{parent_id}~scoped"
                _NON_PROPAGATING[parent_id] = clone
            active_ctx = clone
        self._building_context += 1
        try:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected=override_protected,
                propagate=propagate,
                validate_scoped=validate_scoped,
                cycles=cycles,
            )
        finally:
            self._building_context -= 1

    def _graph_to_rdf(self, graph: Any, issuer: Any, options: Any) -> Any:
        for node_id, node in graph.items():
            if not jsonld._is_absolute_iri(node_id):
                raise UnsignableData(f"{node_id!r} is not an absolute IRI")
            for value in node.get("@type", ()):
                if not jsonld._is_absolute_iri(value):
                    raise UnsignableData(f"the type {value!r} is not defined by any context")
        return super()._graph_to_rdf(graph, issuer, options)

    def _object_to_rdf(self, item: Any, issuer: Any, triples: Any, options: Any) -> Any:
        if isinstance(item, dict) and item.get("@type") == "@json" and "@value" in item:
            fast = json_literal(item["@value"])
            if fast is not None:
                return {"type": "literal", "value": fast, "datatype": jsonld.RDF_JSON_LITERAL}
        result = super()._object_to_rdf(item, issuer, triples, options)
        if result is None:
            raise UnsignableData(f"{item.get('@id')!r} is not an absolute IRI")
        return result


# JSON numbers that JavaScript writes as the same digits Python does: whole, and exact.
_SAFE_INTEGER: Final = 2**53


def _plain(value: Any) -> bool:
    """True when ``json.dumps`` writes ``value`` exactly as JCS (RFC 8785) does: strings,
    booleans, null and safe integers, in objects whose keys sort the same by code point
    as by UTF-16 unit (no key with a character beyond U+FFFF)."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_SAFE_INTEGER < value < _SAFE_INTEGER
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and (key.isascii() or max(key) <= "\uffff") for key in value
        ) and all(_plain(item) for item in value.values())
    return False


def json_literal(value: Any) -> str | None:
    """The canonical (JCS) text of a JSON literal when it is plain JSON, else None.

    pyld canonicalises ``@json`` values with a pure-Python JCS; for the plain JSON our
    credentials carry, the standard library writes the same text many times faster.
    Anything else (floats, huge integers, keys beyond the BMP) is left to pyld.
    """
    if not _plain(value):
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_nquads(document: Mapping[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    try:
        result: str = _StrictProcessor().normalize(
            dict(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "contextResolver": _Resolver(jsonld._resolved_context_cache, document_loader),
            },
        )
    except jsonld.JsonLdError as error:
        cause = error
        while cause is not None:
            if isinstance(cause, (ContextNotAvailable, UnsignableData)):
                raise cause from error
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise UnsignableData(f"not valid JSON-LD: {error}") from error
    return result
