"""The Data Integrity cryptosuite ``eddsa-rdfc-2022``: one way to sign, one to verify.

Both sides canonicalise the document without its proof, and the proof options with
the document's ``@context``, hash each with SHA-256, and sign or verify the proof
options' hash followed by the document's hash with Ed25519.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Final, TypeVar

from cachetools import LRUCache
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


# The proof options are five terms, of which only two values change from proof to
# proof. For each @context, the options are canonicalised once with marker values
# (pyld, as any other document); after that, a proof of that shape only needs its two
# values put in place of the markers. ``_template`` checks that this is exact.
_OPTION_KEYS: Final = frozenset(
    {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose"}
)
_CREATED_MARK: Final = "created-1b7c5a9e"
_METHOD_MARK: Final = "did:mark:1b7c5a9e#key-1b7c5a9e"
# Values that N-Quads writes as they are (nothing to escape), and a verification
# method whose "did:" prefix the template shows is not a term of the context.
_PLAIN_CREATED: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_PLAIN_METHOD: Final = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]+#[A-Za-z0-9._-]+")
_TEMPLATES: LRUCache[str, tuple[str, ...] | None] = LRUCache(maxsize=64)


def _template(context: Any) -> tuple[str, ...] | None:
    """The canonical option lines for ``context`` with marker values, if usable."""
    try:
        key = json.dumps(context, sort_keys=True)
    except (TypeError, ValueError):
        return None
    if key in _TEMPLATES:
        return _TEMPLATES[key]
    marked = {
        "@context": context,
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _CREATED_MARK,
        "verificationMethod": _METHOD_MARK,
        "proofPurpose": ASSERTION,
    }
    text = canonical_nquads(marked)
    lines = tuple(text.splitlines(keepends=True))
    # Exact only when each marker comes out once and as given, and the one blank node
    # (the proof) is named the same whatever the values: then the lines differ only
    # in the markers, and sorting them again gives pyld's order.
    usable = (
        text.count(f'"{_CREATED_MARK}"') == 1
        and text.count(f"<{_METHOD_MARK}>") == 1
        and set(re.findall(r"_:[A-Za-z0-9]+", text)) == {"_:c14n0"}
    )
    _TEMPLATES[key] = lines if usable else None
    return _TEMPLATES[key]


def _options_nquads(options: Mapping[str, Any]) -> str:
    """``canonical_nquads(options)``, from the template when the options are plain."""
    created, method = options.get("created"), options.get("verificationMethod")
    if (
        set(options) - {"@context"} == _OPTION_KEYS
        and options["type"] == PROOF_TYPE
        and options["cryptosuite"] == CRYPTOSUITE
        and options["proofPurpose"] == ASSERTION
        and isinstance(created, str)
        and _PLAIN_CREATED.fullmatch(created)
        and isinstance(method, str)
        and _PLAIN_METHOD.fullmatch(method)
    ):
        lines = _template(options.get("@context"))
        if lines is not None:
            filled = (
                line.replace(_CREATED_MARK, created).replace(_METHOD_MARK, method) for line in lines
            )
            return "".join(sorted(filled))
    return canonical_nquads(options)


_T = TypeVar("_T")

# pyld, its caches and ours (here and in jsonld.py) are not made for two threads at
# once: whichever thread canonicalises holds this lock. Reentrant, because the event
# loop's thread holds it around a whole small sign or verify (see _on_this_thread).
_CANONICALISING = threading.RLock()


def _hash_data(document: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    with _CANONICALISING:
        options_hash = hashlib.sha256(_options_nquads(options).encode()).digest()
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


# Canonicalising is pure Python: about a millisecond for a credential we issue, but a
# body of up to 256 KB sent to /credentials/verify or /credentials/issue takes pyld most
# of a second (170 KB: 0.6 s). On the event loop that would hold every chat, page and
# API call up meanwhile, so the service signs and verifies in a worker thread. One
# thread: the work is serialised by the lock above anyway.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="canonicalise")


# A document this small (as JSON) canonicalises in about a millisecond: cheaper done at
# once than handed to the worker and back (the hand-over cost a third of the issuing rate).
SMALL_DOCUMENT = 16_384


async def sign_in_worker(
    document: Mapping[str, Any], signer: Signer, *, created: datetime
) -> dict[str, Any]:
    """``sign``, in the worker thread, so the event loop keeps serving meanwhile.

    A small document is signed at once when no big one is being canonicalised."""
    work = partial(sign, document, signer, created=created)
    return await _off_the_loop_if_big(document, work)


async def verify_in_worker(document: Mapping[str, Any], resolve_key: KeyResolver) -> str:
    """``verify``, in the worker thread; ``resolve_key`` must not touch the database."""
    work = partial(verify, document, resolve_key)
    return await _off_the_loop_if_big(document, work)


async def _off_the_loop_if_big(document: Mapping[str, Any], work: Callable[[], _T]) -> _T:
    if _on_this_thread(document) and _CANONICALISING.acquire(blocking=False):
        # Never waits: if the worker is busy with a big document, this one queues there.
        try:
            return work()
        finally:
            _CANONICALISING.release()
    return await asyncio.get_running_loop().run_in_executor(_WORKER, work)


def _on_this_thread(document: Mapping[str, Any]) -> bool:
    try:
        return len(json.dumps(document, default=str)) <= SMALL_DOCUMENT
    except (TypeError, ValueError):  # not JSON at all: verify will say so, in the worker
        return False


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
