"""Full-text search of published demands, on both backends (SQLite FTS5 / PostgreSQL GIN)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jiebang.core import clock
from jiebang.demands.enums import Category, DemandState
from jiebang.demands.models import Demand, DemandIndicator
from jiebang.portal.models import SEARCH_VECTOR_INDEX, DemandSearchDocument
from jiebang.portal.search import (
    document_text,
    highlight,
    index_demand,
    matching_demand_ids,
    search_sql,
    tokenize,
    unindex_demand,
)
from tests.demands.builders import issuer_with_applicant, open_call

NASTY_QUERIES = [
    '"',
    '"叶片',
    "叶片”",
    "OR",
    "叶片 OR 覆冰",
    "NEAR(叶片 覆冰)",
    "叶片 NOT 覆冰",
    "*",
    "叶*",
    "-叶片",
    "(叶片",
    ")",
    "叶片:覆冰",
    "title:叶片",
    "'",
    "''; DROP TABLE portal_demandsearchdocument; --",
    "\\",
    "叶片 & | ! <-> <2>",
    "^叶片",
    "{tokens}: 叶片",
    "%_%",
    "\x00",
    "叶片" * 300,
]


@pytest.fixture
def issuer():
    call = open_call()
    org, user = issuer_with_applicant(name="天山风电装备有限公司")
    return call, org, user


@pytest.fixture
def publish(issuer):
    call, org, user = issuer

    def make(title, *, summary="", problem="", indicators=(), state=DemandState.PUBLISHED, **kw):
        now = clock.now()
        demand = Demand.objects.create(
            call=call,
            organization=org,
            created_by=user,
            category=Category.TECH_BREAKTHROUGH,
            state=state,
            title=title,
            summary=summary,
            problem=problem,
            industry=call.industries.first(),
            created_at=now,
            updated_at=now,
            published_at=now,
            solicitation_deadline=now + dt.timedelta(days=30),
            **kw,
        )
        for position, (name, target) in enumerate(indicators, start=1):
            DemandIndicator.objects.create(
                demand=demand, position=position, name=name, target_value=target
            )
        index_demand(demand)
        return demand

    return make


# --- tokenizer (no database) --------------------------------------------------------------


@pytest.mark.unit
def test_tokenize_keeps_domain_words_and_their_parts():
    tokens = tokenize("揭榜挂帅，赛马制；首台（套）重大装备、卡脖子技术攻关")
    for word in ("揭榜挂帅", "揭榜", "赛马制", "首台套", "卡脖子", "技术攻关", "攻关"):
        assert word in tokens
    assert "现代都市农业" in tokenize("现代都市农业示范")


@pytest.mark.unit
def test_tokenize_normalises_latin_and_drops_punctuation():
    tokens = tokenize("５Ｇ通信 C++ AI大模型，准确率≥95%！  \n")
    assert tokens == ["5g", "通信", "c", "ai", "大", "模型", "准确", "准确率", "95"]
    assert all(token.strip() and token.isalnum() for token in tokens)


# --- matching ------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db
def test_two_character_words_inside_longer_text_are_found(publish):
    demand = publish("风电运维智能化", problem="风电机组叶片覆冰监测")

    assert matching_demand_ids("叶片") == [demand.pk]
    assert matching_demand_ids("覆冰") == [demand.pk]
    # A 2-character word inside a 4-character one (cut_for_search indexes both).
    other = publish("汽车动力电池回收")
    assert matching_demand_ids("电池") == [other.pk]
    assert matching_demand_ids("动力电池") == [other.pk]


@pytest.mark.integration
@pytest.mark.django_db
def test_phrase_tokens_must_be_adjacent_and_in_order(publish):
    demand = publish("风电运维智能化", problem="风电机组叶片覆冰监测")

    assert matching_demand_ids("“叶片覆冰”") == [demand.pk]
    assert matching_demand_ids('"叶片覆冰"') == [demand.pk]
    assert matching_demand_ids("“覆冰叶片”") == []
    assert matching_demand_ids('"风电监测"') == []
    # Without quotes the same words only need to be present.
    assert matching_demand_ids("覆冰叶片") == [demand.pk]
    # A phrase and a loose word combine with AND.
    assert matching_demand_ids("“叶片覆冰” 运维") == [demand.pk]
    assert matching_demand_ids("“叶片覆冰” 光伏") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_phrase_ending_in_a_long_word_matches_its_indexed_sub_words(publish):
    # Indexed as 汽车 能源 新能源: the phrase is cut like a document, not like a query.
    demand = publish("面向汽车新能源产业链的储能技术")

    assert matching_demand_ids("“汽车新能源”") == [demand.pk]
    assert matching_demand_ids("“新能源汽车”") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_absent_word_finds_nothing_and_blank_query_does_not_filter(publish):
    publish("风电运维智能化", problem="风电机组叶片覆冰监测")

    assert matching_demand_ids("量子纠缠") == []
    assert matching_demand_ids("") is None
    assert matching_demand_ids("   \u3000") is None
    assert matching_demand_ids("，。！？") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_all_query_words_must_be_present(publish):
    both = publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    blade_only = publish("叶片缺陷识别", problem="基于图像的叶片裂纹检测")

    assert set(matching_demand_ids("叶片")) == {both.pk, blade_only.pk}
    assert matching_demand_ids("叶片 覆冰") == [both.pk]
    assert matching_demand_ids("叶片的覆冰") == [both.pk]  # function words are not required
    assert matching_demand_ids("裂纹 覆冰") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_title_match_ranks_first(publish):
    in_title = publish("电化学储能安全预警", summary="电池热失控早期识别。")
    in_body = publish("风电场智能运维平台", summary="兼顾储能电站的运维管理。")
    assert in_body.pk > in_title.pk  # the tie-break (newest first) alone would invert them

    assert matching_demand_ids("储能") == [in_title.pk, in_body.pk]


@pytest.mark.integration
@pytest.mark.django_db
def test_indicators_industry_issuer_and_category_are_searchable(publish):
    demand = publish(
        "风电运维智能化",
        indicators=[("缺陷识别准确率", "≥95%")],
        contact_name="王保密",
        contact_email="secret@example.com",
    )

    text = document_text(demand)
    assert "缺陷识别准确率 ≥95%" in text
    assert "新能源" in text and "天山风电装备有限公司" in text and "技术攻关类" in text
    assert "王保密" not in text and "secret" not in text
    for query in ("准确率", "新能源", "天山", "技术攻关"):
        assert matching_demand_ids(query) == [demand.pk], query
    assert matching_demand_ids("王保密") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_unindex_and_non_public_states_remove_the_demand(publish):
    demand = publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    unindex_demand(demand.pk)
    assert matching_demand_ids("叶片") == []
    assert not DemandSearchDocument.objects.filter(demand=demand).exists()
    unindex_demand(demand.pk)  # idempotent

    index_demand(demand)
    assert matching_demand_ids("叶片") == [demand.pk]
    Demand.objects.filter(pk=demand.pk).update(state=DemandState.WITHDRAWN)
    index_demand(Demand.objects.get(pk=demand.pk))
    assert matching_demand_ids("叶片") == []

    # A document deleted behind the module's back (cascade, flush) no longer matches.
    other = publish("叶片缺陷识别")
    DemandSearchDocument.objects.filter(demand=other).delete()
    assert matching_demand_ids("叶片") == []

    draft = publish("叶片除冰机器人", state=DemandState.DRAFT)
    assert matching_demand_ids("叶片") == []
    assert not DemandSearchDocument.objects.filter(demand=draft).exists()


@pytest.mark.integration
@pytest.mark.django_db
def test_reindexing_replaces_the_previous_tokens(publish):
    demand = publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    Demand.objects.filter(pk=demand.pk).update(problem="光伏组件热斑检测")
    index_demand(Demand.objects.get(pk=demand.pk))

    assert matching_demand_ids("覆冰") == []
    assert matching_demand_ids("热斑") == [demand.pk]


@pytest.mark.integration
@pytest.mark.django_db
def test_indexing_joins_the_callers_transaction(publish):
    demand = publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    Demand.objects.filter(pk=demand.pk).update(problem="光伏组件热斑检测")

    with pytest.raises(RuntimeError), transaction.atomic():
        index_demand(Demand.objects.get(pk=demand.pk))
        assert matching_demand_ids("热斑") == [demand.pk]
        raise RuntimeError("rolled back")

    assert matching_demand_ids("热斑") == []
    assert matching_demand_ids("覆冰") == [demand.pk]


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_query_syntax_in_user_input_never_breaks_the_search(publish, query):
    publish("风电运维智能化", problem="风电机组叶片覆冰监测 C++ NEAR OR")

    result = matching_demand_ids(query)

    assert result is None or isinstance(result, list)
    assert DemandSearchDocument.objects.count() == 1


@pytest.mark.integration
@pytest.mark.django_db
def test_operator_words_are_searched_as_plain_words(publish):
    demand = publish("风电运维智能化", problem="兼容 C++ 接口 NEAR OR 模式")
    publish("光伏组件热斑检测")

    assert matching_demand_ids("near") == [demand.pk]
    assert matching_demand_ids("OR") == [demand.pk]
    assert matching_demand_ids('"near or"') == [demand.pk]
    assert matching_demand_ids("光伏 OR 风电") == []  # OR is a word, not an operator


@pytest.mark.integration
@pytest.mark.django_db
def test_one_query_per_search(publish, django_assert_num_queries):
    publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    publish("叶片缺陷识别")

    with django_assert_num_queries(1):
        assert len(matching_demand_ids("叶片")) == 2
    with django_assert_num_queries(1):
        matching_demand_ids("“叶片覆冰” 监测")
    with django_assert_num_queries(0):
        assert matching_demand_ids("") is None
        assert matching_demand_ids("？！") == []


@pytest.mark.integration
@pytest.mark.django_db
def test_reindex_command_rebuilds_published_demands_only(publish):
    published = publish("风电运维智能化", problem="风电机组叶片覆冰监测")
    matched = publish("叶片缺陷识别", state=DemandState.MATCHED)
    draft = publish("叶片除冰机器人", state=DemandState.DRAFT)
    DemandSearchDocument.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_demand_fts")
    assert matching_demand_ids("叶片") == []

    out = StringIO()
    call_command("reindex_search", stdout=out)

    assert "2" in out.getvalue()
    assert set(matching_demand_ids("叶片")) == {published.pk, matched.pk}
    assert draft.pk not in matching_demand_ids("机器人")


# --- highlighting --------------------------------------------------------------------------


@pytest.mark.unit
def test_highlight_marks_each_query_word_longest_first_without_nesting():
    html = highlight("风电机组叶片覆冰监测，叶片寿命", "叶片 覆冰监测")
    assert html == "风电机组<mark>叶片覆冰监测</mark>，<mark>叶片</mark>寿命"
    assert "<mark><mark>" not in highlight("新能源汽车", "能源 新能源")
    assert highlight("新能源汽车", "能源 新能源") == "<mark>新能源</mark>汽车"
    assert highlight("AI said ai", "ai") == "<mark>AI</mark> said <mark>ai</mark>"
    assert highlight("风电", "") == "风电"


@pytest.mark.unit
def test_highlight_escapes_html_in_text_and_query():
    text = '<script>alert("叶片")</script> &lt;b&gt; 叶片'
    html = highlight(text, '<script> 叶片 lt "')
    assert "<script>" not in html and "</script>" not in html
    assert html == (
        "&lt;<mark>script</mark>&gt;alert(&quot;<mark>叶片</mark>&quot;)"
        "&lt;/<mark>script</mark>&gt; &amp;<mark>lt</mark>;b&amp;gt; <mark>叶片</mark>"
    )
    assert highlight("<b>风电</b>", "<img src=x onerror=alert(1)>") == "&lt;b&gt;风电&lt;/b&gt;"
    assert highlight("<b>", "") == "&lt;b&gt;"


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.integration
@pytest.mark.django_db
def test_postgres_search_uses_the_gin_index(issuer):
    call, org, user = issuer
    now = clock.now()
    words = ["叶片", "覆冰", "储能", "光伏", "氢能", "电池", "风机", "电网", "算法", "芯片"]
    demands = Demand.objects.bulk_create(
        Demand(
            call=call,
            organization=org,
            created_by=user,
            category=Category.TECH_BREAKTHROUGH,
            state=DemandState.PUBLISHED,
            title=f"{words[i % 10]}{words[(i * 3 + 1) % 10]}关键技术研究第{i}项",
            problem=f"围绕{words[(i * 7 + 2) % 10]}开展技术攻关",
            created_at=now,
            updated_at=now,
            published_at=now,
            solicitation_deadline=now + dt.timedelta(days=30),
        )
        for i in range(200)
    )
    for demand in demands:
        index_demand(demand)
    assert DemandSearchDocument.objects.exclude(vector=None).count() == 200

    sql, params = search_sql("叶片 储能")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE portal_demandsearchdocument")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert SEARCH_VECTOR_INDEX in plan, plan
    assert matching_demand_ids("叶片 储能")
