"""Expertise affinity: TF-IDF over jieba tokens, industry bonus, explanations."""

import random

import numpy as np
import pytest

from jiebang.review.affinity import (
    Affinity,
    AffinityModel,
    ExpertText,
    ItemText,
    affinities,
)

pytestmark = pytest.mark.unit

STORAGE = ExpertText(1, "长期从事新型储能电池管理系统研究，擅长锂离子电池热管理与储能安全。")
WIND = ExpertText(2, "风电叶片复合材料结构设计，叶片覆冰检测与除冰技术。")
STORAGE_ITEM = ItemText(10, "面向电网侧储能的电池热管理技术攻关", industry=3)
WIND_ITEM = ItemText(11, "大型风电叶片覆冰在线检测与防护", industry=None)


def test_matching_keywords_score_higher_than_unrelated_ones():
    result = affinities([STORAGE, WIND], [STORAGE_ITEM, WIND_ITEM])
    storage = result[(1, 10)]
    assert storage.text_similarity > 0
    assert storage.score > result.get((2, 10), Affinity(0.0, 0.0, 0.0)).score
    assert result[(2, 11)].score > result.get((1, 11), Affinity(0.0, 0.0, 0.0)).score


def test_shared_terms_contain_the_common_words():
    result = affinities([STORAGE, WIND], [STORAGE_ITEM, WIND_ITEM])
    assert "储能" in result[(1, 10)].shared_terms
    assert "电池" in result[(1, 10)].shared_terms
    assert "叶片" in result[(2, 11)].shared_terms
    assert "覆冰" in result[(2, 11)].shared_terms
    # no shared word -> not a shared term, and function words are never "keywords"
    assert "叶片" not in result[(1, 10)].shared_terms
    for affinity in result.values():
        assert not {"的", "与", "和"} & set(affinity.shared_terms)
        assert len(affinity.shared_terms) <= 5


def test_shared_terms_strongest_first_and_limited():
    expert = ExpertText(1, "储能 储能 储能 电池")
    item = ItemText(2, "储能 储能 电池")
    # Same idf for both terms (each occurs in both documents); 储能 has the higher tf in
    # both, hence the larger product of weights.
    assert affinities([expert], [item])[(1, 2)].shared_terms == ("储能", "电池")
    assert affinities([expert], [item], top_terms=1)[(1, 2)].shared_terms == ("储能",)
    assert affinities([expert], [item], top_terms=0)[(1, 2)].shared_terms == ()


def test_industry_bonus_is_added_exactly():
    with_industry = ExpertText(1, STORAGE.text, frozenset({3, 5}))
    without = ExpertText(2, STORAGE.text, frozenset({5}))
    unrelated = ExpertText(3, "古籍修复与书画装裱", frozenset({3}))
    for bonus in (0.2, 0.35):
        result = affinities(
            [with_industry, without, unrelated], [STORAGE_ITEM], industry_bonus=bonus
        )
        a, b = result[(1, 10)], result[(2, 10)]
        assert a.text_similarity == b.text_similarity > 0
        assert a.industry_bonus == bonus
        assert b.industry_bonus == 0.0
        assert a.score == a.text_similarity + bonus
        assert b.score == b.text_similarity
        # no text in common, same industry: in the dict with the bonus only
        assert result[(3, 10)] == Affinity(score=bonus, text_similarity=0.0, industry_bonus=bonus)


def test_item_without_industry_gets_no_bonus():
    expert = ExpertText(1, WIND.text, frozenset({1, 2, 3}))
    assert affinities([expert], [WIND_ITEM])[(1, 11)].industry_bonus == 0.0


def test_pairs_with_nothing_in_common_are_omitted():
    result = affinities([ExpertText(1, "古籍修复")], [STORAGE_ITEM])
    assert result == {}


def test_identical_texts_have_similarity_one():
    result = affinities([ExpertText(1, STORAGE_ITEM.text)], [STORAGE_ITEM])
    assert result[(1, 10)].text_similarity == pytest.approx(1.0)
    assert result[(1, 10)].text_similarity <= 1.0


def test_empty_texts_do_not_crash():
    empty_expert = ExpertText(7, "", frozenset({3}))
    punctuation = ExpertText(8, "。。。！", frozenset())
    function_words = ExpertText(9, "的和与", frozenset())
    empty_item = ItemText(20, "", industry=3)
    assert affinities([], []) == {}
    assert affinities([empty_expert], []) == {}
    # every text empty: no vocabulary at all, only the industry bonus
    assert affinities([empty_expert, punctuation, function_words], [empty_item]) == {
        (7, 20): Affinity(score=0.2, text_similarity=0.0, industry_bonus=0.2)
    }
    result = affinities([empty_expert, punctuation, STORAGE], [empty_item, STORAGE_ITEM])
    assert (8, 20) not in result
    assert (8, 10) not in result
    assert result[(7, 10)] == Affinity(0.2, 0.0, 0.2)
    assert "储能" in result[(STORAGE.id, STORAGE_ITEM.id)].shared_terms


def test_order_of_inputs_does_not_change_results():
    experts, items = _instance(40, 25, seed=3)
    forward = affinities(experts, items)
    rng = random.Random(11)
    shuffled_experts, shuffled_items = experts[:], items[:]
    rng.shuffle(shuffled_experts)
    rng.shuffle(shuffled_items)
    backward = affinities(shuffled_experts, shuffled_items)
    assert len(forward) > 100
    assert backward == forward  # bit-identical, shared terms in the same order


def test_model_api_agrees_with_affinities():
    experts = [STORAGE, WIND, ExpertText(3, "", frozenset({3}))]
    items = [STORAGE_ITEM, WIND_ITEM]
    model = AffinityModel.fit(experts, items)
    result = affinities(experts, items)
    assert model.expert_ids == (1, 2, 3)
    assert model.item_ids == (10, 11)
    assert model.scores.shape == (3, 2)
    assert {(e, i) for e, i, _ in model.pairs()} == result.keys()
    for (e, i), affinity in result.items():
        assert model.affinity(e, i) == affinity
        assert model.score(e, i) == affinity.score
        assert model.text_similarity(e, i) == affinity.text_similarity
        assert model.industry_bonus(e, i) == affinity.industry_bonus
        assert model.explain(e, i) == affinity.shared_terms
    assert model.explain(1, 10, top=2) == result[(1, 10)].shared_terms[:2]
    assert model.explain(3, 10) == ()
    high = list(model.pairs(min_score=0.2))
    assert all(score > 0.2 for _, _, score in high)
    assert {(e, i) for e, i, _ in high} == {k for k, a in result.items() if a.score > 0.2}
    with pytest.raises(KeyError):
        model.score(99, 10)
    with pytest.raises(ValueError):
        model.scores[0, 0] = 1.0  # read-only


def test_similarity_is_the_cosine_of_the_tfidf_rows():
    experts, items = _instance(30, 20, seed=5)
    model = AffinityModel.fit(experts, items)
    e = model.vectorizer.transform([x.text for x in experts]).toarray()
    i = model.vectorizer.transform([x.text for x in items]).toarray()
    norms_e = np.linalg.norm(e, axis=1, keepdims=True)
    norms_i = np.linalg.norm(i, axis=1, keepdims=True)
    expected = (e / np.where(norms_e, norms_e, 1)) @ (i / np.where(norms_i, norms_i, 1)).T
    np.testing.assert_allclose(model.similarities, np.clip(expected, 0, 1), atol=1e-12)


def test_tfidf_arithmetic_by_hand():
    # Whitespace tokenizer, two documents: expert "a b", item "a c".
    # Smooth idf = ln((1 + n) / (1 + df)) + 1 with n = 2: idf(a) = ln(3/3) + 1 = 1,
    # idf(b) = idf(c) = ln(3/2) + 1 = 1.4054651081081644; sublinear tf of 1 is 1.
    # Rows (1, 1.405465…) / ‖·‖ with ‖·‖² = 1 + 1.405465…² = 2.975332…; only "a" is
    # shared, so cos = 1 × 1 / 2.975332… = 0.3360969…
    model = AffinityModel.fit(
        [ExpertText(1, "a b", frozenset({4}))], [ItemText(2, "a c", 4)], tokenizer=str.split
    )
    idf_b = np.log(3 / 2) + 1
    assert model.text_similarity(1, 2) == pytest.approx(1 / (1 + idf_b**2), rel=1e-12)
    assert model.text_similarity(1, 2) == pytest.approx(0.3360969, abs=1e-7)
    assert model.score(1, 2) == model.text_similarity(1, 2) + 0.2
    assert model.explain(1, 2) == ("a",)
    assert list(model.terms) == ["a", "b", "c"]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate expert"):
        AffinityModel.fit([STORAGE, STORAGE], [STORAGE_ITEM])
    with pytest.raises(ValueError, match="duplicate item"):
        AffinityModel.fit([STORAGE], [STORAGE_ITEM, STORAGE_ITEM])


def test_a_300_by_150_instance_runs():
    experts, items = _instance(300, 150, seed=1)
    model = AffinityModel.fit(experts, items)
    assert model.scores.shape == (300, 150)
    assert float(model.scores.min()) >= 0.0
    assert float(model.scores.max()) <= 1.2 + 1e-12
    result = affinities(experts, items)
    assert len(result) == sum(1 for _ in model.pairs())
    assert len(result) > 0
    best = max(result, key=lambda key: result[key].score)
    assert result[best].shared_terms == model.explain(*best)


WORDS = (
    "储能",
    "电池",
    "光伏",
    "风电",
    "叶片",
    "覆冰",
    "复合材料",
    "氢能",
    "电解槽",
    "芯片",
    "传感器",
    "工业软件",
    "大模型",
    "机器视觉",
    "生物医药",
    "抗体",
    "疫苗",
    "医疗器械",
    "数控机床",
    "工业机器人",
    "减速器",
    "增材制造",
    "稀土",
    "永磁",
    "石墨烯",
    "冷链",
    "种业",
    "污水处理",
    "碳捕集",
    "首台套",
    "成果转化",
    "技术攻关",
)


def _instance(n_experts: int, n_items: int, *, seed: int):
    rng = random.Random(seed)

    def text(n: int) -> str:
        return "的".join(rng.choice(WORDS) for _ in range(n)) + "。"

    experts = [
        ExpertText(k, text(rng.randint(0, 12)), frozenset(rng.sample(range(1, 9), 2)))
        for k in range(1, n_experts + 1)
    ]
    items = [
        ItemText(1000 + k, text(rng.randint(0, 20)), rng.choice([None, *range(1, 9)]))
        for k in range(n_items)
    ]
    return experts, items
