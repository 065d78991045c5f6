"""Expertise affinity between experts and review items: TF-IDF over jieba tokens.

Pure: no ORM. A selector builds the `ExpertText` / `ItemText` snapshots (expert: research
fields, keywords, recent projects; item: demand or proposal title, summary, indicators)
and this module scores every (expert, item) pair. The assignment optimiser consumes the
scores; the pages show the explanation ("共同关键词").

Model
-----
One `TfidfVectorizer` is fitted on the expert texts and the item texts together (so a
term's idf reflects how rare it is across both), with `jiebang.portal.search.tokenize`
as its tokenizer (jieba initialised once per process, with the domain words),
`lowercase=False`, `token_pattern=None`, `sublinear_tf=True` (1 + log tf) and `norm="l2"`.
The search module's function words (的, 与, 和 …) are stop words: they carry no expertise
and would otherwise show up as "shared keywords".

- text_similarity = cosine of the two tf-idf rows = their dot product (rows are
  l2-normalised), computed for all pairs at once as one sparse matrix product
  `X_experts @ X_items.T`, kept as a dense float64 array (2,000 × 1,000 = 16 MB).
  Clipped to [0, 1] (rounding can give 1.0000000000000002 for identical texts).
- industry_bonus = `industry_bonus` when the item's industry is one of the expert's
  industries, else 0.0 (also computed as a matrix product, no Python loop over pairs).
- score = text_similarity + industry_bonus, so 0 ≤ score ≤ 1 + industry_bonus.
- shared_terms ("共同关键词") = the terms present in both texts, ordered by the product
  of their two tf-idf weights (largest first; ties by the term itself), at most `top`.
  They are the terms that contribute most to the dot product. Computed lazily, per pair.

API
---
- `AffinityModel.fit(experts, items, *, industry_bonus=0.2, tokenizer=None)
  -> AffinityModel`: the scalable entry point (`tokenizer` None = the search module's). Holds the vectorizer, the two sparse tf-idf matrices and the dense
  similarity / bonus / score arrays. Then:
  `.score(e, i)`, `.text_similarity(e, i)`, `.industry_bonus(e, i)` (floats),
  `.explain(e, i, top=5) -> tuple[str, ...]` (shared terms, computed now),
  `.affinity(e, i, top=5) -> Affinity` (all of it for one pair),
  `.pairs(min_score=0.0)` (iterator of (expert_id, item_id, score), numpy-filtered),
  `.scores` / `.similarities` (read-only ndarrays, rows = `.expert_ids`, columns =
  `.item_ids`), `.terms` (the vocabulary), `.vectorizer` (None when no text has a token).
  Unknown ids raise `KeyError`.
- `affinities(experts, items, *, industry_bonus=0.2, top_terms=5)
  -> dict[(expert_id, item_id), Affinity]`: everything eagerly, for small inputs (one
  panel, one call's shortlist). Pairs with score 0 (no shared term and no industry
  bonus) are OMITTED from the dict: read a missing pair as score 0. Shared terms are
  computed for every pair with text_similarity > 0 (empty tuple otherwise, and for all
  pairs when `top_terms=0`). That is one Python object per pair: for 2,000 × 1,000 use
  the model (`pairs()` + `explain()` for the pairs actually shown).

Determinism: the model sorts experts and items by id before fitting, so the order of the
input sequences does not change any result, not even in the last bit (rows of `.scores`
follow `.expert_ids`, ascending; columns `.item_ids`, ascending; `pairs()` is in that
order). Ids must be unique per side (`ValueError` otherwise). Empty texts (or texts
without a single token) have a zero row: similarity 0 with everything, only the industry
bonus can apply.

Measured with bench/affinity.py (2,000 experts × 1,000 items, 428k characters, on a
2-core development machine under load): `AffinityModel.fit` 2.8-5 s, of which ~85 % is
jieba tokenisation (the TF-IDF, the sparse product and the bonus take ~0.5 s); plus a
one-off ~1.2-2 s per process for jieba's dictionary and the sklearn import. `pairs()`
over all 2M pairs ~0.6-1 s; `explain()` ~30-80 µs a pair. Peak RSS ~360-420 MB for the
whole process (Django + jieba ~180 MB). The eager `affinities()` on the same input builds
2M objects: ~18 s without shared terms, ~100 s and >1 GB with them, hence the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

Tokenizer = Callable[[str], list[str]]
_PAIR_BLOCK_ROWS = 256


@dataclass(frozen=True)
class ExpertText:
    id: int
    text: str
    industries: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ItemText:
    id: int
    text: str
    industry: int | None = None


@dataclass(frozen=True)
class Affinity:
    score: float
    text_similarity: float
    industry_bonus: float
    shared_terms: tuple[str, ...] = ()


def _default_tokenizer() -> Tokenizer:
    # Imported lazily: the search module imports Django models, this module stays usable
    # (and importable) without a configured Django.
    from jiebang.portal.search import tokenize

    return tokenize


def _stop_words() -> list[str]:
    from jiebang.portal.search import QUERY_STOPWORDS

    return sorted(QUERY_STOPWORDS)


def _index(ids: Sequence[int], side: str) -> dict[int, int]:
    index = {id_: position for position, id_ in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError(f"duplicate {side} ids")
    return index


class AffinityModel:
    """Fitted TF-IDF model and the affinity of every (expert, item) pair. See module doc."""

    def __init__(
        self,
        *,
        expert_ids: Sequence[int],
        item_ids: Sequence[int],
        expert_matrix: sparse.csr_matrix,
        item_matrix: sparse.csr_matrix,
        terms: np.ndarray,
        bonus: np.ndarray,
        vectorizer=None,
    ):
        self.expert_ids: tuple[int, ...] = tuple(expert_ids)
        self.item_ids: tuple[int, ...] = tuple(item_ids)
        self._expert_index = _index(self.expert_ids, "expert")
        self._item_index = _index(self.item_ids, "item")
        self.vectorizer = vectorizer
        self.terms = terms
        self._experts = expert_matrix.tocsr()
        self._items = item_matrix.tocsr()
        self._experts.sort_indices()
        self._items.sort_indices()
        product = (self._experts @ self._items.T).toarray()
        np.clip(product, 0.0, 1.0, out=product)
        self._similarity = product
        self._bonus = bonus
        self._scores = product + bonus
        for array in (self._similarity, self._bonus, self._scores):
            array.setflags(write=False)

    @classmethod
    def fit(
        cls,
        experts: Sequence[ExpertText],
        items: Sequence[ItemText],
        *,
        industry_bonus: float = 0.2,
        tokenizer: Tokenizer | None = None,
    ) -> AffinityModel:
        """Fit TF-IDF on experts + items and score every pair (see the module doc).

        `tokenizer` defaults to `jiebang.portal.search.tokenize`; pass another only in
        tests of this module's arithmetic.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        if industry_bonus < 0 or not math.isfinite(industry_bonus):
            raise ValueError("industry_bonus must be a finite number >= 0")
        # Canonical order (by id): sklearn numbers the vocabulary in order of first
        # occurrence and sums each row's squares in that order before sorting the terms,
        # so only a fixed document order makes the results bit-identical for any order of
        # the inputs.
        experts = sorted(experts, key=lambda e: e.id)
        items = sorted(items, key=lambda i: i.id)
        expert_ids = [e.id for e in experts]
        item_ids = [i.id for i in items]
        _index(expert_ids, "expert")
        _index(item_ids, "item")
        default_tokenizer = tokenizer is None
        tokenizer = _default_tokenizer() if default_tokenizer else tokenizer
        stop_words = _stop_words() if default_tokenizer else []
        documents = [e.text or "" for e in experts] + [i.text or "" for i in items]
        vectorizer = TfidfVectorizer(
            tokenizer=tokenizer,
            lowercase=False,
            token_pattern=None,
            stop_words=stop_words or None,
            sublinear_tf=True,
            norm="l2",
        )
        matrix = None
        if documents:
            try:
                matrix = vectorizer.fit_transform(documents).tocsr()
            except ValueError:
                # sklearn's "empty vocabulary": no document has a single token (other
                # than stop words). Anything else is a real error.
                stop = set(stop_words)
                if any(set(tokenizer(doc)) - stop for doc in documents):
                    raise
        if matrix is None:
            terms = np.array([], dtype=object)
            matrix = sparse.csr_matrix((len(documents), 0), dtype=np.float64)
            vectorizer = None
        else:
            terms = vectorizer.get_feature_names_out()
        n_experts = len(experts)
        bonus = _bonus_matrix(experts, items, industry_bonus)
        return cls(
            expert_ids=expert_ids,
            item_ids=item_ids,
            expert_matrix=matrix[:n_experts],
            item_matrix=matrix[n_experts:],
            terms=terms,
            bonus=bonus,
            vectorizer=vectorizer,
        )

    # --- scores -------------------------------------------------------------------------

    @property
    def scores(self) -> np.ndarray:
        """score[e, i] (read-only); rows follow `expert_ids`, columns `item_ids` (ascending)."""
        return self._scores

    @property
    def similarities(self) -> np.ndarray:
        """text_similarity[e, i] (read-only)."""
        return self._similarity

    def _cell(self, expert_id: int, item_id: int) -> tuple[int, int]:
        return self._expert_index[expert_id], self._item_index[item_id]

    def score(self, expert_id: int, item_id: int) -> float:
        return float(self._scores[self._cell(expert_id, item_id)])

    def text_similarity(self, expert_id: int, item_id: int) -> float:
        return float(self._similarity[self._cell(expert_id, item_id)])

    def industry_bonus(self, expert_id: int, item_id: int) -> float:
        return float(self._bonus[self._cell(expert_id, item_id)])

    def pairs(self, min_score: float = 0.0) -> Iterator[tuple[int, int, float]]:
        """Yield (expert_id, item_id, score) for every pair with score > min_score.

        Ordered by expert id, then item id; filtered with numpy
        one block of rows at a time, so memory stays small however many pairs there are.
        The default (0.0) yields exactly the pairs `affinities()` keeps.
        """
        experts, items = self.expert_ids, self.item_ids
        for start in range(0, len(experts), _PAIR_BLOCK_ROWS):
            block = self._scores[start : start + _PAIR_BLOCK_ROWS]
            rows, cols = np.nonzero(block > min_score)
            values = block[rows, cols].tolist()
            for r, c, v in zip(rows.tolist(), cols.tolist(), values, strict=True):
                yield experts[start + r], items[c], v

    # --- explanation --------------------------------------------------------------------

    def explain(self, expert_id: int, item_id: int, top: int = 5) -> tuple[str, ...]:
        """The `top` shared terms of the pair ("共同关键词"), strongest first."""
        row, col = self._cell(expert_id, item_id)
        if top <= 0 or self._similarity[row, col] <= 0:
            return ()
        return self._shared_terms(row, col, top)

    def _shared_terms(self, row: int, col: int, top: int) -> tuple[str, ...]:
        e, i = self._experts, self._items
        e_idx = e.indices[e.indptr[row] : e.indptr[row + 1]]
        e_val = e.data[e.indptr[row] : e.indptr[row + 1]]
        i_idx = i.indices[i.indptr[col] : i.indptr[col + 1]]
        i_val = i.data[i.indptr[col] : i.indptr[col + 1]]
        common, e_pos, i_pos = np.intersect1d(e_idx, i_idx, assume_unique=True, return_indices=True)
        if common.size == 0:
            return ()
        weights = e_val[e_pos] * i_val[i_pos]
        ranked = sorted(
            zip(weights.tolist(), self.terms[common].tolist(), strict=True),
            key=lambda pair: (-pair[0], pair[1]),
        )
        return tuple(term for _, term in ranked[:top])

    def affinity(self, expert_id: int, item_id: int, top: int = 5) -> Affinity:
        row, col = self._cell(expert_id, item_id)
        similarity = float(self._similarity[row, col])
        return Affinity(
            score=float(self._scores[row, col]),
            text_similarity=similarity,
            industry_bonus=float(self._bonus[row, col]),
            shared_terms=self._shared_terms(row, col, top) if top > 0 and similarity > 0 else (),
        )


def _bonus_matrix(
    experts: Sequence[ExpertText], items: Sequence[ItemText], industry_bonus: float
) -> np.ndarray:
    """bonus[e, i] = industry_bonus when item i's industry is among expert e's industries."""
    industry_index: dict[int, int] = {}
    for item in items:
        if item.industry is not None:
            industry_index.setdefault(item.industry, len(industry_index))
    bonus = np.zeros((len(experts), len(items)), dtype=np.float64)
    if not industry_index or industry_bonus == 0:
        return bonus
    e_rows, e_cols = [], []
    for row, expert in enumerate(experts):
        for industry in expert.industries:
            column = industry_index.get(industry)
            if column is not None:
                e_rows.append(row)
                e_cols.append(column)
    i_rows = [row for row, item in enumerate(items) if item.industry is not None]
    i_cols = [industry_index[items[row].industry] for row in i_rows]
    shape_e = (len(experts), len(industry_index))
    shape_i = (len(items), len(industry_index))
    expert_industries = sparse.csr_matrix((np.ones(len(e_rows)), (e_rows, e_cols)), shape=shape_e)
    item_industries = sparse.csr_matrix((np.ones(len(i_rows)), (i_rows, i_cols)), shape=shape_i)
    match = (expert_industries @ item_industries.T).toarray() > 0
    bonus[match] = industry_bonus
    return bonus


def affinities(
    experts: Sequence[ExpertText],
    items: Sequence[ItemText],
    *,
    industry_bonus: float = 0.2,
    top_terms: int = 5,
) -> dict[tuple[int, int], Affinity]:
    """Affinity of every pair with score > 0, keyed (expert_id, item_id); see module doc.

    Pairs with score 0 (nothing in common, no industry bonus) are omitted. Eager, one
    object per pair: meant for small inputs; for large ones use `AffinityModel.fit`.
    """
    model = AffinityModel.fit(experts, items, industry_bonus=industry_bonus)
    return {
        (expert_id, item_id): model.affinity(expert_id, item_id, top=top_terms)
        for expert_id, item_id, _ in model.pairs(0.0)
    }
