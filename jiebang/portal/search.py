"""Chinese full-text search of published demands: one interface, two backends.

The rest of the code uses only this module. Text is segmented by jieba in Python; the
database only matches the resulting tokens:

- PostgreSQL: `DemandSearchDocument.vector`, a `simple` tsvector (title weighted A, the
  rest D) with a GIN index, queried with `to_tsquery('simple', …)` built by us
  (search_type="raw"), ranked by ts_rank.
- SQLite: the FTS5 table `portal_demand_fts(title, tokens)`, rowid = demand id, ranked by
  bm25 with the title weighted 10:1.

Tokens are normalised to runs of letters/digits (NFKC, lowercase; "c++" -> "c",
"3.5" -> "3" "5"), so both PostgreSQL's default parser and FTS5's unicode61 tokenizer see
each token as exactly one token, and quoting user input can never break either syntax.

Documents are indexed with `jieba.cut_for_search`, which emits the sub-words of a long word
before the word itself ("新能源" -> 能源 新能源), so 2-character words inside longer ones
are found. A query is cut with `jieba.cut` and all its tokens must be present (AND). A
quoted phrase ("…" or “…”) is cut like a document (cut_for_search) and its tokens must be
adjacent in that order: that reproduces the document's token stream, so "汽车新能源" still
matches as a phrase although 能源 sits between 汽车 and 新能源 in the index.

Measured on the development machine: the first call (jieba dictionary load from its cache
plus the domain words) takes ~0.75-0.8 s (~1.2 s when jieba's cache file is cold); later,
`tokenize` of a 30-character text takes ~0.07 ms and of 2,000 characters ~6 ms; parsing a
short query ~0.03 ms. Limitation: single characters inside words (叶 in 叶片) are not indexed.
"""

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jiebang.demands.enums import DemandState
from jiebang.portal.models import DemandSearchDocument

# Demands visible on the public portal, hence searchable.
SEARCHABLE_STATES = (DemandState.PUBLISHED, DemandState.MATCHED, DemandState.UNSOLVED)
FTS_TABLE = "portal_demand_fts"
# SQLite statements (plain literals: nothing in them comes from outside). bm25 weighs the
# title column 10:1; the join drops FTS rows whose document is gone (a demand deleted by
# cascade, or a test `flush`, which empties Django's tables only).
_FTS_SEARCH = (
    "SELECT portal_demand_fts.rowid FROM portal_demand_fts"
    " JOIN portal_demandsearchdocument"
    " ON portal_demandsearchdocument.demand_id = portal_demand_fts.rowid"
    " WHERE portal_demand_fts MATCH %s"
    " ORDER BY bm25(portal_demand_fts, 10.0, 1.0), portal_demand_fts.rowid DESC"
)
_FTS_DELETE = "DELETE FROM portal_demand_fts WHERE rowid = %s"
_FTS_INSERT = "INSERT INTO portal_demand_fts (rowid, title, tokens) VALUES (%s, %s, %s)"
_FTS_CLEAR = "DELETE FROM portal_demand_fts"

DOMAIN_WORDS = (
    "揭榜挂帅",
    "赛马制",
    "首台套",
    "首台（套）",
    "卡脖子",
    "成果转化",
    "技术攻关",
    "新能源",
    "装备制造",
    "新材料",
    "生物医药",
    "数字经济",
    "现代都市农业",
)
# Spellings folded before segmentation (after NFKC, "（套）" is "(套)").
ALIASES = {"首台(套)": "首台套"}
# Function words dropped from AND queries (not from phrases, not from the index).
QUERY_STOPWORDS = frozenset(
    ["的", "地", "得", "了", "和", "与", "及", "或", "在", "是", "对", "等", "之", "其"]
)
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 32
MAX_TOKEN_CHARS = 64

_WORD_RUN = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'["“”]([^"“”]*)["“”]')
_ASCII_WORD = re.compile(r"[a-z0-9]+")

_jieba = None
_jieba_lock = threading.Lock()


def _segmenter():
    """jieba, initialised once per process with the domain words (thread-safe, lazy)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for word in DOMAIN_WORDS:
                    jieba.add_word(word)
                _jieba = jieba
    return _jieba


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for spelling, canonical in ALIASES.items():
        text = text.replace(spelling, canonical)
    return text


def _normalise(raw_tokens) -> list[str]:
    """Lowercase; keep runs of letters/digits (drops whitespace and punctuation)."""
    tokens = []
    for raw in raw_tokens:
        tokens.extend(run for run in _WORD_RUN.findall(raw.lower()) if len(run) <= MAX_TOKEN_CHARS)
    return tokens


def tokenize(text: str) -> list[str]:
    """Index tokens of `text` (jieba.cut_for_search), normalised, in text order."""
    if not text:
        return []
    return _normalise(_segmenter().cut_for_search(_prepare(text)))


def _query_words(text: str) -> list[str]:
    return _normalise(_segmenter().cut(_prepare(text))) if text else []


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # each must occur
    phrases: tuple[tuple[str, ...], ...]  # each must occur as adjacent tokens in order

    @property
    def tokens(self) -> set[str]:
        return set(self.terms).union(*self.phrases)


def parse_query(query: str) -> ParsedQuery | None:
    """None when the query is blank; otherwise its terms and phrases (possibly none)."""
    query = (query or "")[:MAX_QUERY_CHARS]
    if not query.strip():
        return None
    phrases, terms = [], []
    for match in _PHRASE.finditer(query):
        tokens = tokenize(match.group(1))
        if len(tokens) > 1:
            phrases.append(tuple(tokens))
        else:
            terms.extend(tokens)
    words = _query_words(_PHRASE.sub(" ", query))
    terms.extend(w for w in words if w not in QUERY_STOPWORDS)
    if not terms and not phrases:
        terms = words  # a query of function words only still searches for them
    budget = MAX_QUERY_TOKENS
    kept_phrases = []
    for phrase in phrases:
        if len(phrase) <= budget:
            kept_phrases.append(phrase)
            budget -= len(phrase)
    kept_terms = list(dict.fromkeys(terms))[: max(budget, 0)]
    return ParsedQuery(tuple(kept_terms), tuple(dict.fromkeys(kept_phrases)))


# ---------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _pg_tsquery(parsed: ParsedQuery) -> str:
    parts = [_pg_lexeme(t) for t in parsed.terms]
    parts += ["(" + " <-> ".join(_pg_lexeme(t) for t in p) + ")" for p in parsed.phrases]
    return " & ".join(parts)


def _fts_match(parsed: ParsedQuery) -> str:
    parts = [_fts_string(t) for t in parsed.terms]
    parts += [_fts_string(" ".join(p)) for p in parsed.phrases]
    return " AND ".join(parts)


def search_sql(query: str) -> tuple[str, list] | None:
    """(sql, params) selecting matching demand ids, best first; None if nothing to search.

    The statement selects one column (the demand id); it is what `matching_demand_ids`
    executes and what the tests EXPLAIN.
    """
    parsed = parse_query(query)
    if parsed is None or not parsed.tokens:
        return None
    if connection.vendor == "postgresql":
        search_query = SearchQuery(_pg_tsquery(parsed), search_type="raw", config="simple")
        queryset = (
            DemandSearchDocument.objects.filter(vector=search_query)
            .annotate(rank=SearchRank(F("vector"), search_query))
            .order_by("-rank", "-demand_id")
            .values_list("demand_id", flat=True)
        )
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)
    return _FTS_SEARCH, [_fts_match(parsed)]


def matching_demand_ids(query: str) -> list[int] | None:
    """Ids of indexed demands matching `query`, best first; None when the query is blank.

    One database query (none when the query has no searchable token: returns []).
    Callers still filter the ids through their own published-demands queryset.
    """
    if parse_query(query) is None:
        return None
    statement = search_sql(query)
    if statement is None:
        return []
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------


def _document_parts(demand) -> tuple[str, list[str]]:
    """(title, the other public texts). Never contacts, numbers or internal notes."""
    body = [demand.summary, demand.problem]
    for indicator in demand.indicators.all():
        body.append(f"{indicator.name} {indicator.target_value}{indicator.unit}")
    if demand.industry_id:
        body.append(demand.industry.name)
    body.append(demand.organization.name)
    body.append(str(demand.get_category_display()))
    return demand.title, [part for part in body if part]


def document_text(demand) -> str:
    """The public text of a demand that search indexes (title first)."""
    title, body = _document_parts(demand)
    return "\n".join([title, *body])


def index_demand(demand) -> None:
    """Write (or refresh) the index entry of `demand`; removes it unless it is public.

    Call it after any change of a public demand's content or state; it joins the caller's
    transaction, so a rollback also rolls the index back.
    """
    if demand.state not in SEARCHABLE_STATES:
        unindex_demand(demand.pk)
        return
    title, body = _document_parts(demand)
    title_tokens = " ".join(tokenize(title))
    tokens = " ".join(tokenize("\n".join(body)))
    vector = None
    if connection.vendor == "postgresql":
        vector = SearchVector(Value(title_tokens), config="simple", weight="A") + SearchVector(
            Value(tokens), config="simple", weight="D"
        )
    DemandSearchDocument.objects.update_or_create(
        demand_id=demand.pk,
        defaults={"title_tokens": title_tokens, "tokens": tokens, "vector": vector},
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_FTS_DELETE, [demand.pk])
            cursor.execute(_FTS_INSERT, [demand.pk, title_tokens, tokens])


def unindex_demand(demand_id: int) -> None:
    """Remove a demand from the index (no-op if it is not indexed)."""
    DemandSearchDocument.objects.filter(demand_id=demand_id).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_FTS_DELETE, [demand_id])


def rebuild_index() -> int:
    """Drop the whole index and index every public demand again; returns their number.

    The hall's cached search results are invalidated when the rebuild commits.
    """
    from jiebang.demands.models import Demand
    from jiebang.portal.cache import invalidate_hall

    demands = (
        Demand.objects.filter(state__in=SEARCHABLE_STATES)
        .select_related("organization", "industry")
        .prefetch_related("indicators")
        .order_by("pk")
    )
    count = 0
    with transaction.atomic():
        DemandSearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(_FTS_CLEAR)
        for demand in demands.iterator(chunk_size=500):
            index_demand(demand)
            count += 1
        invalidate_hall("search index rebuilt")
    return count


# ---------------------------------------------------------------------------------------
# Highlighting
# ---------------------------------------------------------------------------------------


def _token_pattern(token: str) -> str:
    # Latin/digit tokens match whole words only ("ai" must not light up inside "said").
    if _ASCII_WORD.fullmatch(token):
        return rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])"
    return re.escape(token)


def highlight(text: str, query: str) -> SafeString:
    """`text` HTML-escaped, each occurrence of a query token wrapped in <mark>.

    Matches are found in the raw text and every piece is escaped separately, so neither
    the text nor the query can inject markup, and a token never matches inside an entity.
    Longest tokens win; adjacent matches share one <mark>; marks never nest.
    """
    text = text or ""
    parsed = parse_query(query)
    tokens = parsed.tokens if parsed else set()
    if not tokens:
        return escape(text)
    ordered = sorted(tokens, key=lambda t: (-len(t), t))
    pattern = re.compile("|".join(_token_pattern(t) for t in ordered), re.IGNORECASE)
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        if spans and spans[-1][1] == match.start():
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    parts, position = [], 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece of text is escaped above
