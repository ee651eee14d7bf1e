"""RDFC-1.0 canonical N-Quads of a JSON-LD document (internal to the certificates app).

pyld 3.3.0 implements the RDFC-1.0 algorithm (under its older name URDNA2015) but
serializes literals with the escaping of RDF 1.1 N-Quads: it escapes only ``\\``,
``"``, tab, newline and carriage return, and writes every other control character
raw. RDFC-1.0 requires the canonical N-Quads form, where a literal escapes
``\\b \\t \\n \\f \\r \\" \\\\`` with those short escapes and every other character
in U+0000 to U+001F and U+007F as ``\\uXXXX`` (upper-case hex), and an IRI escapes
U+0000 to U+0020 and ``<>"{}|^`\\`` as ``\\uXXXX``. The difference matters: the
serialization is hashed twice, once to label blank nodes (Hash First Degree
Quads) and once for the signature, so a literal with a control character got a
signature that every conforming verifier rejects, while our own verifier (same
canonicalizer) accepted it.

The fix is a small subclass of pyld's canonicalizer that serializes quads with
the canonical escaping in both places; everything else (the blank-node labelling
algorithm) stays pyld's. It is checked against the W3C rdf-canon test suite's
escaping case and byte for byte against Digital Bazaar's ``rdf-canonize`` (the
canonicalizer behind the Node verifier) in ``tests/certificates/test_canonical.py``.

Ordering: quads are sorted by Python string order, which is Unicode code point
order, as RDFC-1.0 specifies.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Resolved contexts, ours only (pyld's own cache holds JCS keys): the bundled
# documents and the objects embedded in them, a few dozen.
_SHARED_CONTEXTS: LRUCache = LRUCache(maxsize=256)

# Processed (active) contexts, keyed by the context they were applied to and
# the local context applied (see ``_Processor``). A credential reaches a few
# dozen; the bound only guards against a document that makes up new ones.
_PROCESSED_CONTEXTS: LRUCache = LRUCache(maxsize=512)
_processed_lock = threading.Lock()

_LITERAL_SHORT_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_LITERAL_ESCAPED = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_ESCAPED = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _uchar(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def escape_literal(value: str) -> str:
    """A literal's lexical form as canonical N-Quads writes it between quotes."""
    return _LITERAL_ESCAPED.sub(
        lambda m: _LITERAL_SHORT_ESCAPES.get(m.group()) or _uchar(m), value
    )


def escape_iri(value: str) -> str:
    """An IRI as canonical N-Quads writes it between angle brackets."""
    return _IRI_ESCAPED.sub(_uchar, value)


def _term(term: dict[str, Any]) -> str:
    if term["type"] == "IRI":
        return f"<{escape_iri(term['value'])}>"
    if term["type"] == "blank node":
        return term["value"]
    text = f'"{escape_literal(term["value"])}"'
    if term["datatype"] == _RDF_LANGSTRING:
        return text + (f"@{term['language']}" if term.get("language") else "")
    if term["datatype"] != _XSD_STRING:
        return text + f"^^<{escape_iri(term['datatype'])}>"
    return text


def serialize_quad(quad: dict[str, Any]) -> str:
    """One quad (pyld's dict form) as a canonical N-Quads line."""
    parts = [_term(quad["subject"]), _term(quad["predicate"]), _term(quad["object"])]
    name = quad.get("name")
    if name is not None and name.get("value") is not None:
        parts.append(_term(name))
    return " ".join(parts) + " .\n"


class _RDFC10(URDNA2015):
    """pyld's canonicalization with RDFC-1.0's canonical N-Quads serialization."""

    def hash_first_degree_quads(self, id_: str) -> str:
        # Same steps as pyld's (RDFC-1.0 section 4.6.3), serializing with the
        # canonical escaping: this hash decides the blank-node labels.
        info = self.blank_node_info[id_]
        if "hash" not in info:
            nquads = sorted(
                serialize_quad(
                    {
                        key: component
                        if key == "predicate"
                        else self.modify_first_degree_component(id_, component, key)
                        for key, component in quad.items()
                    }
                )
                for quad in info["quads"]
            )
            info["hash"] = self.hash_nquads(nquads)
        return str(info["hash"])

    def canonical_nquads(self, dataset: dict[str, Any]) -> str:
        # pyld's main() labels the blank nodes and, as its step 7.1 (pinned
        # pyld 3.3.0), writes the canonical labels into self.quads in place. Its
        # own serialization is discarded; ours replaces it.
        self.main(dataset, {"format": "application/n-quads"})
        return "".join(sorted(serialize_quad(quad) for quad in self.quads))


class _ContextResolver(ContextResolver):
    """pyld's context resolver with a cheaper cache key for embedded contexts.

    pyld keys each embedded context (an object inside a context document; the
    Open Badges context has a score of them, type- and property-scoped) by its
    JSON Canonicalization Scheme text, computed in pure Python on every use:
    measured, 40 % of a credential's canonicalization. The key only has to tell
    contexts apart, so here it is the standard library's JSON with sorted keys
    (written in C). Two different contexts never get one text, and a JCS key and
    one of these never name different contexts either: each is JSON that parses
    back to its context. Remote (URL) contexts are resolved as pyld does.
    """

    def resolve(
        self, active_ctx: Any, context: Any, base: Any, cycles: Any = None
    ) -> list[Any]:
        if isinstance(context, dict) and "@context" in context:
            context = context["@context"]
        contexts = context if isinstance(context, list) else [context]
        if not all(isinstance(ctx, dict) for ctx in contexts):
            return super().resolve(active_ctx, context, base, cycles)
        resolved_all = []
        for ctx in contexts:
            key = json.dumps(ctx, sort_keys=True, separators=(",", ":"))
            resolved = self._get(key)
            if not resolved:
                resolved = ResolvedContext(ctx)
                self._cache_resolved_context(key, resolved, "static")
            resolved_all.append(resolved)
        return resolved_all


class _Processor(jsonld.JsonLdProcessor):
    """pyld's JSON-LD processor that keeps every processed context it makes.

    pyld caches a processed context only by the active context it was
    applied to (``ResolvedContext.get_processed``). A type-scoped context
    (Open Badges' ``Achievement``, ``Profile``, ``IdentityObject``, VC's
    ``DataIntegrityProof``...) does not propagate, so pyld applies it to a
    fresh clone of the active context, with a fresh ``uuid1`` id: its cache
    never hits, and that context and every property-scoped one under it were
    processed again, term by term, for every document (measured: about half of
    a credential's canonicalization). The result only depends on the active
    context (a frozen, finished one is never changed and keeps its id), the
    local context, the flags and the base, so it is kept under those. Active
    contexts still being built (not frozen) and cycle checks go to pyld.
    """

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
        def process() -> Any:
            return super(_Processor, self)._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected=override_protected,
                propagate=propagate,
                validate_scoped=validate_scoped,
                cycles=cycles,
            )

        frozen = isinstance(active_ctx, jsonld.frozendict)
        if cycles or not frozen or "_uuid" not in active_ctx:
            return process()
        try:
            local_key = json.dumps(local_ctx, sort_keys=True, separators=(",", ":"))
        except TypeError:  # not plain JSON (a frozen context): pyld decides
            return process()
        key = (
            active_ctx["_uuid"],
            local_key,
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        with _processed_lock:
            processed = _PROCESSED_CONTEXTS.get(key)
        if processed is None:
            processed = process()
            if isinstance(processed, jsonld.frozendict):
                with _processed_lock:
                    _PROCESSED_CONTEXTS[key] = processed
        return processed


def canonicalize(document: dict[str, Any], *, document_loader: Any) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document.

    Raises ``jsonld.JsonLdError`` as pyld does (bad JSON-LD, refused context).
    """
    dataset = _Processor().to_rdf(
        document,
        {
            "documentLoader": document_loader,
            # Contexts resolved before are shared by every call (pyld's cache).
            "contextResolver": _ContextResolver(_SHARED_CONTEXTS, document_loader),
        },
    )
    return _RDFC10().canonical_nquads(dataset)


def canonicalize_dataset(dataset: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of an RDF dataset in pyld's dict form."""
    return _RDFC10().canonical_nquads(dataset)
