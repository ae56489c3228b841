"""The issuer's decentralised identifier: ``did:web`` from the public URL, else ``did:key``.

``did:web:example.org`` resolves to ``https://example.org/.well-known/did.json``, which
lists every signing key the issuer ever had as a Multikey verification method. A
deployment with no public URL has no domain to publish such a document, so its issuer
is ``did:key`` of the current signing key: a DID that is its own public key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import quote, urlsplit

from api.credentials.multibase import ed25519_from_multikey

DID_V1: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1: Final = "https://w3id.org/security/multikey/v1"


def did_web(public_url: str) -> str:
    """``did:web`` for a URL: host (port percent-encoded) and path segments joined by ':'."""
    parts = urlsplit(public_url.rstrip("/"))
    if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
        raise ValueError("did:web needs an https URL")
    if not parts.netloc:
        raise ValueError(f"not a URL: {public_url!r}")
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(s, safe="") for s in parts.path.split("/") if s]
    return "did:web:" + ":".join(segments)


def did_key(public_key_multibase: str) -> str:
    return f"did:key:{public_key_multibase}"


def issuer_did(public_url: str, signing_key_multibase: str) -> str:
    return did_web(public_url) if public_url else did_key(signing_key_multibase)


def method_id(did: str, public_key_multibase: str) -> str:
    return f"{did}#{public_key_multibase}"


def did_document(did: str, public_keys: Iterable[str]) -> dict[str, Any]:
    """The DID document: every key as a Multikey, each allowed to assert credentials."""
    methods = [
        {
            "id": method_id(did, multibase),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multibase,
        }
        for multibase in public_keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def resolve_method(
    method: str, our_did: str | None, our_keys: Mapping[str, bytes]
) -> tuple[str, bytes] | None:
    """The controller DID and raw public key of a verification method, if we can know it.

    ``did:key`` methods resolve by themselves; ``did:web`` only for our own DID (we do
    not fetch other issuers' documents).
    """
    did, _, fragment = method.partition("#")
    if not fragment:
        return None
    if did.startswith("did:key:"):
        multibase = did.removeprefix("did:key:")
        if fragment != multibase:
            return None
        try:
            return did, ed25519_from_multikey(multibase)
        except ValueError:
            return None
    if our_did is not None and did == our_did and fragment in our_keys:
        return did, our_keys[fragment]
    return None
