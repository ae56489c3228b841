"""The Data Integrity cryptosuite ``eddsa-rdfc-2022``: one way to sign, one to verify.

Both sides canonicalise the document without its proof, and the proof options with
the document's ``@context``, hash each with SHA-256, and sign or verify the proof
options' hash followed by the document's hash with Ed25519.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.credentials.jsonld import canonical_nquads
from api.credentials.multibase import decode_z, encode_z

PROOF_TYPE: Final = "DataIntegrityProof"
CRYPTOSUITE: Final = "eddsa-rdfc-2022"
ASSERTION: Final = "assertionMethod"


class ProofError(ValueError):
    """Why a proof does not hold. ``code`` is what the verify API reports."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Signer:
    """A private key and the verification method (DID URL) that names its public half."""

    verification_method: str
    sign: Callable[[bytes], bytes]


#: From a verification method id to the raw Ed25519 public key, or None when unknown.
KeyResolver = Callable[[str], bytes | None]


def timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second, as VC documents carry them."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    options_hash = hashlib.sha256(canonical_nquads(options).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(document).encode()).digest()
    return options_hash + document_hash


def sign(document: Mapping[str, Any], signer: Signer, *, created: datetime) -> dict[str, Any]:
    """A copy of the unsecured ``document`` with an ``eddsa-rdfc-2022`` proof added."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": ASSERTION,
    }
    signature = signer.sign(_hash_data(unsecured, {"@context": document["@context"], **options}))
    return {**unsecured, "proof": {**options, "proofValue": encode_z(signature)}}


def verify(document: Mapping[str, Any], resolve_key: KeyResolver) -> str:
    """Check the document's one proof; return its verification method or raise ProofError."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, Mapping):
        raise ProofError("no_proof", "the document carries no single proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            "unsupported_proof",
            f"only {PROOF_TYPE} proofs with the {CRYPTOSUITE} cryptosuite are checked",
        )
    if proof.get("proofPurpose") != ASSERTION:
        raise ProofError("unsupported_proof", "the proof is not made for assertionMethod")
    method = proof.get("verificationMethod")
    proof_value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(proof_value, str):
        raise ProofError("malformed", "the proof lacks its verificationMethod or proofValue")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise ProofError("changed", "the proof's @context differs from the document's")
    public_key = resolve_key(method)
    if public_key is None:
        raise ProofError("unknown_key", f"the signing key {method} is not a known key")
    try:
        signature = decode_z(proof_value)
    except ValueError:
        raise ProofError("changed", "the proof value is not a valid signature") from None
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    data = _hash_data(unsecured, {"@context": document.get("@context"), **options})
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise ProofError(
            "changed", "the signature does not match: the credential was changed after signing"
        ) from None
    return method
