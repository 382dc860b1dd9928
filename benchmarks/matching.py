"""Benchmark: the matching engine on generated, realistic reverse-mentoring cohorts.

    .venv/bin/python benchmarks/matching.py [--size 5000] [--nx-size 300] [--repeats 7] [--seed N]

Prints, for a cohort of --size mentors and --size mentees:
  * the whole engine (`propose_pairs`: profiles in, explained pairs and unmatched reasons out) against
    `scipy.optimize.linear_sum_assignment` alone on the very cost matrix the engine solves (mentees x
    mentor slots, float64, C-contiguous: no copy inside scipy; the same matrix as scores with
    maximize=True, which scipy copies, is shown too), best and median of --repeats interleaved runs
    after one warm-up run (the first run in a fresh process pays for the memory the machine backs on
    first touch; the engine runs with one BLAS thread and garbage collection off, see
    `domain/matching/quiet.py`: the median is the steadier figure); the quality bar is
    engine / assignment <= 1.5x, best and median;
  * total score and people left unmatched against a greedy matcher (all allowed pairs sorted by score,
    taken while both sides have room: the "bulk match" of commercial tools), and the fairness option,
    for the cohort as generated and with every mentor taking one mentee;
  * speed against networkx `max_weight_matching` at --nx-size x --nx-size (mentors expanded into one
    node per capacity slot, same allowed pairs and weights), and whether both find the same total.
It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import networkx as nx
import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lti_app.mentoring.domain.matching.engine import propose_pairs, score_matrix  # noqa: E402
from lti_app.mentoring.domain.matching.settings import MatchSettings  # noqa: E402
from lti_app.mentoring.domain.matching.solver import slot_costs  # noqa: E402
from lti_app.mentoring.domain.matching.types import Profile  # noqa: E402

DIGITAL = ("social_media_strategy", "short_video", "generative_ai_tools", "prompt_writing", "data_visualisation",
           "spreadsheet_automation", "python_basics", "no_code_apps", "cloud_collaboration", "cybersecurity_hygiene",
           "personal_branding_online", "video_editing", "podcasting", "gaming_culture", "digital_accessibility",
           "remote_team_tools", "ecommerce_trends", "web3_basics")
BUSINESS = ("strategic_planning", "negotiation", "budgeting", "stakeholder_management", "public_speaking",
            "leading_teams", "career_navigation", "executive_presence", "decision_making", "change_management",
            "networking", "mentoring_others")
DEPARTMENTS = ("finance", "marketing", "sales", "engineering", "operations", "hr", "legal", "it", "research",
               "customer_service", "procurement", "communications")
LANGUAGES = {"es": 0.15, "fr": 0.10, "de": 0.08, "pt": 0.05, "zh": 0.05, "hi": 0.05, "ar": 0.03}
TIME_ZONES = {-8: 0.10, -5: 0.25, 0: 0.30, 1: 0.20, 5: 0.05, 8: 0.10}
INTERESTS = tuple(f"interest_{i}" for i in range(40))
GOAL_WORDS = ("tiktok instagram linkedin audience brand content analytics automation chatgpt copilot privacy "
              "security dashboards storytelling podcast video hybrid remote inclusion accessibility wellbeing "
              "sustainability innovation customers data cloud agile product startup culture values feedback "
              "confidence visibility promotion strategy budget negotiation leadership presentation influence "
              "network board stakeholders decisions change ethics purpose gen-z millennials trends").split()
GENERATIONS = ((1997, "gen_z"), (1981, "millennials"), (1965, "gen_x"), (1946, "baby_boomers"), (0, "traditionalists"))
MENTEE_IDS = 100_001


# ---- generated profiles: mentors junior and digital, mentees senior and business-minded ----

def _popularity(n: int, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 0.8  # Zipf-like: a few skills and interests are common
    rng.shuffle(weights)
    return weights / weights.sum()


def _pick(rng: np.random.Generator, items, low: int, high: int, p=None) -> list:
    return list(rng.choice(items, size=int(rng.integers(low, high + 1)), replace=False, p=p))


def _availability(rng: np.random.Generator, junior: bool) -> frozenset[int]:
    """Three to six 2-hour weekday blocks in the person's time zone, as UTC hours of the week."""
    offset = int(rng.choice(list(TIME_ZONES), p=list(TIME_ZONES.values())))
    starts = [9, 10, 11, 13, 14, 15, 16, 18, 19] if junior else [8, 9, 10, 11, 13, 14, 15, 16]
    hours: set[int] = set()
    for _ in range(int(rng.integers(3, 7))):
        day, start = int(rng.integers(0, 5)), int(rng.choice(starts))
        hours |= {(day * 24 + h - offset) % 168 for h in (start, start + 1)}
    return frozenset(hours)


def _languages(rng: np.random.Generator) -> frozenset[str]:
    langs = {"en"} if rng.random() < 0.92 else set()
    langs |= {lang for lang, p in LANGUAGES.items() if rng.random() < p}
    return frozenset(langs or {str(rng.choice(list(LANGUAGES)))})


def _channels(rng: np.random.Generator, junior: bool) -> frozenset[str]:
    p = ({"chat": .7, "video": .8, "email": .2, "phone": .15, "in_person": .3} if junior else
         {"chat": .2, "video": .6, "email": .5, "phone": .4, "in_person": .6})
    return frozenset({c for c, q in p.items() if rng.random() < q} or {"video"})


def _person(pid: int, junior: bool, rng: np.random.Generator, pop: dict) -> dict:
    if junior:  # students, early career, some mid-career
        stage = int(rng.choice([0, 1, 2], p=[.3, .5, .2]))
        years = float(rng.uniform(*[(0, 2), (1, 6), (5, 12)][stage]))
        teach, learn = DIGITAL, BUSINESS
    else:  # mid-career (overlapping the juniors), senior, executives
        stage = int(rng.choice([2, 3, 4], p=[.25, .5, .25]))
        years = float(rng.uniform(*{2: (6, 15), 3: (10, 25), 4: (15, 35)}[stage]))
        teach, learn = BUSINESS, DIGITAL
    born = 2025 - int(22 + years + rng.normal(0, 3))
    return dict(
        id=pid, key=f"person:{pid}", manager_key=None, seniority_years=round(years, 1), career_stage=stage,
        department=str(rng.choice(DEPARTMENTS)) if rng.random() < 0.95 else None,
        generation=next(name for start, name in GENERATIONS if born >= start) if rng.random() < 0.8 else None,
        languages=_languages(rng), availability=_availability(rng, junior), channels=_channels(rng, junior),
        interests=frozenset(_pick(rng, INTERESTS, 2, 5, pop[INTERESTS])),
        goals="I want to work on " + ", ".join(_pick(rng, GOAL_WORDS, 3, 7)) + ".",
        skills_offered=MappingProxyType({s: int(rng.choice([3, 4, 5], p=[.3, .4, .3]))
                                         for s in _pick(rng, teach, 2, 5, pop[teach])}),
        skills_wanted=MappingProxyType({s: int(rng.choice([1, 2], p=[.6, .4]))
                                        for s in _pick(rng, learn, 1, 4, pop[learn])}),
        capacity=int(rng.choice([1, 2, 3], p=[.5, .3, .2])) if junior else 1,
    )


def _managers(people: list[dict], rng: np.random.Generator) -> None:
    """Seniors report to a more senior mentee of their department; 40% of juniors to a mentee too."""
    seniors: dict[str | None, list[dict]] = {}
    for person in people:
        if person["id"] >= MENTEE_IDS:
            seniors.setdefault(person["department"], []).append(person)
    for person in people:
        bosses = [b for b in seniors.get(person["department"], []) if b["career_stage"] > person["career_stage"]]
        if bosses and (person["id"] >= MENTEE_IDS or rng.random() < 0.4):
            person["manager_key"] = bosses[int(rng.integers(len(bosses)))]["key"]
        elif rng.random() < 0.9:
            person["manager_key"] = f"person:external-{int(rng.integers(1000))}"


def generate(n_mentors: int, n_mentees: int, seed: int) -> tuple[list[Profile], list[Profile]]:
    """Mentors (ids from 1) and mentees (ids from 100,001), reproducible for a seed."""
    rng = np.random.default_rng(seed)
    pop = {DIGITAL: _popularity(len(DIGITAL), rng), BUSINESS: _popularity(len(BUSINESS), rng),
           INTERESTS: _popularity(len(INTERESTS), rng)}
    mentors = [_person(1 + i, True, rng, pop) for i in range(n_mentors)]
    mentees = [_person(MENTEE_IDS + i, False, rng, pop) for i in range(n_mentees)]
    _managers(mentors + mentees, rng)
    return [Profile(**p) for p in mentors], [Profile(**p) for p in mentees]


# ---- the comparisons ----

def engine_problem(mentors: list[Profile], mentees: list[Profile], settings: MatchSettings):
    """The engine's (mentees x mentors) weights and the (mentees x mentor slots) float64 cost matrix that
    linear_sum_assignment solves (built outside any timing)."""
    matrix = score_matrix(mentors, mentees, settings)
    weights = matrix.full.weights
    return weights, slot_costs(weights, matrix.cohort.arrays[0].capacity).cost


def timed(run) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def allowed_weights(mentors: list[Profile], mentees: list[Profile], settings: MatchSettings):
    """(mentor capacities, (mentors, mentees) weights: score if the pair is allowed, else 0)."""
    matrix = score_matrix(mentors, mentees, settings)
    return np.array([p.capacity for p in matrix.mentors]), np.ascontiguousarray(matrix.weights)


def greedy(capacity: np.ndarray, weights: np.ndarray) -> tuple[float, int, int]:
    """Sort every allowed pair by score, take it while both sides have room: (total, pairs, mentors used)."""
    rows, cols = np.nonzero(weights)
    order = np.argsort(-weights[rows, cols], kind="stable")
    room, taken = capacity.copy(), np.zeros(weights.shape[1], dtype=bool)
    total, pairs = 0.0, 0
    for i, j in zip(rows[order].tolist(), cols[order].tolist()):
        if room[i] > 0 and not taken[j]:
            room[i] -= 1
            taken[j] = True
            total += float(weights[i, j])
            pairs += 1
    return total, pairs, int((room < capacity).sum())


def networkx_total(capacity: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """(seconds, total) of networkx max_weight_matching on the slot-expanded graph."""
    graph = nx.Graph()
    rows, cols = np.nonzero(weights)
    for i, j in zip(rows.tolist(), cols.tolist()):
        for slot in range(int(capacity[i])):
            graph.add_edge(("mentor", i, slot), ("mentee", j), weight=float(weights[i, j]))
    seconds, matching = timed(lambda: nx.max_weight_matching(graph))
    return seconds, sum(graph.edges[u, v]["weight"] for u, v in matching)


def row(label: str, *cells: str) -> str:
    return f"{label:38s}" + "".join(f"{c:>14s}" for c in cells)


def speed(n: int, repeats: int, seed: int) -> None:
    mentors, mentees = generate(n, n, seed)
    settings = MatchSettings()
    propose_pairs(mentors, mentees, settings)  # warm-up
    weights, cost = engine_problem(mentors, mentees, settings)
    engine, dense = [], []
    for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
        engine.append(timed(lambda: propose_pairs(mentors, mentees, settings))[0])
        dense.append(timed(lambda: linear_sum_assignment(cost))[0])
    scores = -cost  # the same matrix as scores; scipy copies it for maximize=True (timed apart: that copy
    maximize = [timed(lambda: linear_sum_assignment(scores, maximize=True))[0] for _ in range(repeats)]  # churns memory)
    share = np.count_nonzero(weights) / weights.size
    print(f"speed: {n:,} mentors x {n:,} mentees, {cost.shape[1]:,} mentor slots, {share:.0%} of pairs allowed; "
          f"best (median) of {repeats} after a warm-up run")
    print(row("", "seconds", "median"))
    print(row("whole engine (propose_pairs)", f"{min(engine):.2f}", f"{statistics.median(engine):.2f}"))
    print(row("linear_sum_assignment(costs) alone", f"{min(dense):.2f}", f"{statistics.median(dense):.2f}"))
    print(row("  same, as (scores, maximize=True)", f"{min(maximize):.2f}", f"{statistics.median(maximize):.2f}"))
    print(f"engine / linear_sum_assignment(costs): {min(engine) / min(dense):.2f}x "
          f"(median {statistics.median(engine) / statistics.median(dense):.2f}x; target <= 1.5x)\n")


def quality(n: int, seed: int) -> None:
    generated = generate(n, n, seed)
    one_each = ([replace(p, capacity=1) for p in generated[0]], generated[1])
    print(f"quality: the same {n:,} x {n:,} cohort, as generated (mentors take 1-3 mentees) and with one mentee "
          "per mentor")
    print(row("", "total score", "pairs", "mentees left", "mentors left", "worst pair"))
    for label, (mentors, mentees) in (("capacity 1-3", generated), ("capacity 1", one_each)):
        plain = propose_pairs(mentors, mentees, MatchSettings())
        fair_s, fair = timed(lambda: propose_pairs(mentors, mentees, MatchSettings(fairness=True)))
        g_total, g_pairs, g_mentors = greedy(*allowed_weights(mentors, mentees, MatchSettings()))
        for name, p in ((f"{label}: engine (optimum)", plain), (f"{label}: engine, fairness ({fair_s:.0f} s)", fair)):
            t = p.totals
            print(row(name, f"{t.total_score:,.1f}", f"{t.pairs:,}", f"{t.unmatched_mentees:,}",
                      f"{t.unmatched_mentors:,}", f"{t.min_pair_score:.1f}"))
        print(row(f"{label}: greedy", f"{g_total:,.1f}", f"{g_pairs:,}", f"{n - g_pairs:,}", f"{n - g_mentors:,}", ""))
        print(f"  engine / greedy total: {plain.totals.total_score / g_total:.4f}x; mentees left unmatched: "
              f"{plain.totals.unmatched_mentees:,} (engine) vs {n - g_pairs:,} (greedy)")
    print()


def against_networkx(n: int, seed: int) -> None:
    mentors, mentees = generate(n, n, seed)
    engine_s, proposal = timed(lambda: propose_pairs(mentors, mentees, MatchSettings()))
    nx_s, nx_total = networkx_total(*allowed_weights(mentors, mentees, MatchSettings()))
    print(f"networkx: {n} mentors x {n} mentees (mentors expanded to one node per capacity slot)")
    print(row("", "seconds", "total score"))
    print(row("whole engine (propose_pairs)", f"{engine_s:.3f}", f"{proposal.totals.total_score:,.3f}"))
    print(row("networkx max_weight_matching alone", f"{nx_s:.3f}", f"{nx_total:,.3f}"))
    print(f"networkx / engine: {nx_s / engine_s:.0f}x slower; same total: "
          f"{abs(nx_total - proposal.totals.total_score) < 1e-3 * max(1.0, nx_total)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="mentors and mentees (each)")
    parser.add_argument("--nx-size", type=int, default=300, help="cohort size for the networkx comparison")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each (about 5 s a run at 5,000)")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    speed(args.size, args.repeats, args.seed)
    quality(args.size, args.seed)
    against_networkx(args.nx_size, args.seed)


if __name__ == "__main__":
    main()
