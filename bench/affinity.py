"""Benchmark: expertise affinity (jiebang.review.affinity) for 2,000 experts × 1,000 items.

Run: .venv/bin/python bench/affinity.py [--experts 2000] [--items 1000] [--seed 7]
     [--repeat 2] [--eager]

Texts are generated from a vocabulary of domain words joined by connectives, so jieba has
real Chinese to segment (~40-80 tokens an expert, ~60-120 an item). Prints the time of
the warm-up (jieba dictionary load and sklearn import, once per process), of tokenising
alone, of `AffinityModel.fit` (tokenise + TF-IDF + all similarities + industry bonus), of
`pairs()`, of 1,000 `explain()` calls and, with --eager, of `affinities()` building the
whole dict, and the peak RSS. Nothing is written to disk.
"""

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiebang.settings")

import django  # noqa: E402

django.setup()

from jiebang.portal.search import tokenize  # noqa: E402
from jiebang.review.affinity import AffinityModel, ExpertText, ItemText, affinities  # noqa: E402

DOMAIN_WORDS = (
    "储能",
    "锂离子电池",
    "钠离子电池",
    "固态电池",
    "电池管理系统",
    "热管理",
    "光伏",
    "逆变器",
    "风电",
    "叶片",
    "覆冰",
    "复合材料",
    "碳纤维",
    "轴承",
    "齿轮箱",
    "变流器",
    "氢能",
    "电解槽",
    "燃料电池",
    "储氢",
    "新能源汽车",
    "电机",
    "电控",
    "自动驾驶",
    "激光雷达",
    "毫米波雷达",
    "芯片",
    "传感器",
    "集成电路",
    "封装",
    "光刻",
    "半导体",
    "功率器件",
    "碳化硅",
    "氮化镓",
    "工业互联网",
    "数字孪生",
    "人工智能",
    "大模型",
    "机器视觉",
    "工业软件",
    "数据库",
    "操作系统",
    "网络安全",
    "区块链",
    "生物医药",
    "抗体",
    "疫苗",
    "基因编辑",
    "细胞治疗",
    "医疗器械",
    "影像设备",
    "体外诊断",
    "高端装备",
    "数控机床",
    "工业机器人",
    "减速器",
    "伺服系统",
    "增材制造",
    "精密加工",
    "焊接",
    "涂层",
    "新材料",
    "高分子",
    "稀土",
    "永磁",
    "石墨烯",
    "陶瓷",
    "合金",
    "轻量化",
    "现代都市农业",
    "种业",
    "智能灌溉",
    "冷链",
    "食品安全",
    "污水处理",
    "固废",
    "碳捕集",
    "节能",
    "环保",
    "检测",
    "标准",
    "可靠性",
    "寿命",
    "成本",
    "效率",
    "国产化",
    "首台套",
    "卡脖子",
    "成果转化",
    "技术攻关",
    "产业化",
    "示范应用",
    "中试",
    "工艺",
    "算法",
    "控制",
    "优化",
    "仿真",
    "测试平台",
)
CONNECTIVES = ("的", "与", "和", "及其", "在", "用于", "面向", "基于", "关键", "研究", "开发")


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    parts = []
    for _ in range(n):
        parts.append(rng.choice(words))
        parts.append(rng.choice(CONNECTIVES))
    return "".join(parts) + "。"


def generate(n_experts: int, n_items: int, seed: int):
    rng = random.Random(seed)  # noqa: S311 (benchmark data)
    n_industries = 12
    # Each industry has a "home" slice of the vocabulary, so texts cluster by industry.
    slices = [[*DOMAIN_WORDS[k::n_industries], *rng.sample(DOMAIN_WORDS, 8)] for k in range(12)]
    experts = []
    for expert_id in range(1, n_experts + 1):
        home = rng.sample(range(n_industries), k=rng.choice((1, 1, 2)))
        words = [w for k in home for w in slices[k]]
        text = "".join(sentence(rng, words, rng.randint(6, 10)) for _ in range(3))
        experts.append(ExpertText(expert_id, text, frozenset(k + 1 for k in home)))
    items = []
    for item_id in range(1, n_items + 1):
        home = rng.randrange(n_industries)
        text = "".join(sentence(rng, slices[home], rng.randint(8, 12)) for _ in range(4))
        items.append(ItemText(item_id, text, home + 1 if rng.random() < 0.9 else None))
    return experts, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=2, help="fit this many times")
    parser.add_argument("--eager", action="store_true", help="also time affinities()")
    args = parser.parse_args()

    experts, items = generate(args.experts, args.items, args.seed)
    chars = sum(len(e.text) for e in experts) + sum(len(i.text) for i in items)
    print(f"{len(experts)} experts × {len(items)} items, {chars:,} characters of text")

    start = time.perf_counter()
    tokenize("预热")
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401

    print(
        f"warm-up (jieba dictionary, sklearn import; once per process): "
        f"{time.perf_counter() - start:.2f} s"
    )

    start = time.perf_counter()
    for expert in experts:
        tokenize(expert.text)
    for item in items:
        tokenize(item.text)
    print(f"tokenize alone (all texts, once):            {time.perf_counter() - start:7.2f} s")

    for run in range(1, args.repeat + 1):
        start = time.perf_counter()
        model = AffinityModel.fit(experts, items)
        fit_seconds = time.perf_counter() - start
        print(f"AffinityModel.fit #{run} (tokenise+tf-idf+scores): {fit_seconds:7.2f} s")
    print(f"  vocabulary: {len(model.terms):,} terms; score matrix {model.scores.shape}")

    start = time.perf_counter()
    count = sum(1 for _ in model.pairs(0.0))
    print(f"pairs(min_score=0.0): {count:,} pairs      {time.perf_counter() - start:7.2f} s")
    start = time.perf_counter()
    strong = list(model.pairs(0.5))
    print(
        f"pairs(min_score=0.5): {len(strong):,} pairs        {time.perf_counter() - start:7.2f} s"
    )
    fit_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS after fit and pairs: {fit_rss:,.0f} MB")

    rng = random.Random(args.seed)  # noqa: S311 (benchmark sample)
    sample = rng.sample(strong, min(1000, len(strong)))
    start = time.perf_counter()
    for expert_id, item_id, _ in sample:
        model.explain(expert_id, item_id)
    elapsed = time.perf_counter() - start
    print(f"explain() × {len(sample)}:                       {elapsed:7.3f} s")
    best = max(strong, key=lambda p: p[2])
    print(f"  best pair {best[:2]} score {best[2]:.3f}: {model.explain(*best[:2])}")

    if args.eager:
        start = time.perf_counter()
        result = affinities(experts, items)
        elapsed = time.perf_counter() - start
        print(f"affinities() eager dict, {len(result):,} pairs: {elapsed:7.2f} s")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
