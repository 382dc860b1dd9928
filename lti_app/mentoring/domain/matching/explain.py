"""Why a pair was matched, in words a participant understands, one sentence per contributing criterion.

The points of each criterion come from the score's own formulas (`scoring.pair_shares`), so the shares
of an explanation add up to the pair's score; this module only finds the words. Sentences speak to a
viewer: the mentee ("Sam offers video editing, which you want to learn"), the mentor, or the instructor
(third person). Names default to "your partner" (or "the mentor" / "the mentee" for the instructor).

Each sentence is a whole sentence per viewer with named placeholders, its lists joined the reader's way, and kept
language-neutral as a `words.Phrase` next to the text (``Contribution.phrase``): a stored explanation is written
again in the language of whoever reads it.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

from lti_app.mentoring.domain.matching import words as w
from lti_app.mentoring.domain.matching.arrays import goal_keyword_list, keyword_spellings
from lti_app.mentoring.domain.matching.settings import Direction, MatchSettings
from lti_app.mentoring.domain.matching.types import Contribution, Profile
from lti_app.mentoring.domain.matching.words import Listed, Phrase, Value
from lti_app.mentoring.domain.profile_fields import Generation
from lti_app.mentoring.domain.skills import SkillCategory, is_default_label
from lti_app.mentoring.domain.texts import N_, _
from lti_app.mentoring.domain.voice import Viewer, Voice

__all__ = ["CHANNEL_WORDS", "Explainer", "Labels", "PairsView", "Viewer", "Voice", "skill_label", "summary", "taught"]

CHANNEL_WORDS = {"video": N_("video calls"), "in_person": N_("meeting in person"), "chat": N_("chat"),
                 "email": N_("e-mail"), "phone": N_("phone calls")}  # msgids: translated where shown
# a generation inside a sentence ("different generations (Generation Z and baby boomers)"), by its profile code
GENERATION_WORDS = {Generation.TRADITIONALIST: N_("traditionalists"), Generation.BABY_BOOMER: N_("baby boomers"),
                    Generation.GEN_X: N_("Generation X"), Generation.MILLENNIAL: N_("millennials"),
                    Generation.GEN_Z: N_("Generation Z")}
MAX_LISTED = 3
SHARE_SHOWN = 1e-9  # points: criteria below this added nothing
Labels = Mapping[str, Value]  # a skill code or a case-folded word → its words: as somebody wrote it, or a phrase


def skill_label(code: str, category: SkillCategory, label: str) -> Value:
    """A stored skill's words in a sentence: a default label as a phrase (its English msgid), so that a kept
    explanation names it in the language of whoever reads it; a label an instructor wrote or reworded as typed."""
    return w.phrase(label) if is_default_label(code, category, label) else label


@dataclass(frozen=True)
class PairsView:
    """Many pairs as the sentences see them: pair k is mentors[rows[k]] with mentees[cols[k]]."""

    mentors: Sequence[Profile]
    mentees: Sequence[Profile]
    rows: Sequence[int]
    cols: Sequence[int]
    mentor_words: Sequence[tuple[str, ...]]  # goal keywords of each mentor, in order of appearance
    mentee_words: Sequence[tuple[str, ...]]
    taught: Callable[[np.ndarray], Iterable[tuple[tuple[str, ...], tuple[str, ...]]]] | None = None
    # for some pairs: (skills the mentor can teach the mentee, and the reverse); worked out here if None

    @classmethod
    def one(cls, mentor: Profile, mentee: Profile) -> PairsView:
        """A single pair."""
        return cls((mentor,), (mentee,), (0,), (0,), (goal_keyword_list(mentor.goals),),
                   (goal_keyword_list(mentee.goals),))

    def __len__(self) -> int:
        return len(self.rows)

    def people(self, which: Sequence[int]) -> Iterator[tuple[Profile, Profile]]:
        """(mentor, mentee) of each of the given pairs, one after the other."""
        return zip(map(self.mentors.__getitem__, map(self.rows.__getitem__, which)),
                   map(self.mentees.__getitem__, map(self.cols.__getitem__, which)))


@dataclass
class Explainer:
    """Words for many pairs under one settings, viewer, names and labels (texts cached)."""

    settings: MatchSettings
    viewer: Viewer = "mentee"
    names: Mapping[int, str] | None = None
    labels: Labels | None = None
    _texts: dict[str, Value] = field(default_factory=dict, init=False, repr=False)
    _lists: dict[tuple[str, ...], Listed] = field(default_factory=dict, init=False, repr=False)

    def voice(self, mentor: Profile, mentee: Profile) -> Voice:
        """The voice for one pair: the two names (or "your partner", "the mentor", "the mentee"); the viewer's own
        side is "you", which each sentence says in its own words."""
        names, viewer = self.names or {}, self.viewer
        partner = w.phrase(N_("your partner")) if viewer != "instructor" else None
        mentor_name = "" if viewer == "mentor" else names.get(mentor.id) or partner or w.phrase(N_("the mentor"))
        mentee_name = "" if viewer == "mentee" else names.get(mentee.id) or partner or w.phrase(N_("the mentee"))
        return Voice(mentor_name, mentee_name, viewer)  # type: ignore[arg-type]  # a name or a phrase

    def text(self, item: str) -> Value:
        """Readable text of a code: its label, channel or generation words, or the code with spaces."""
        if (found := self._texts.get(item)) is None:
            label = (self.labels or {}).get(item)
            words = CHANNEL_WORDS.get(item) or GENERATION_WORDS.get(item)
            found = label or (w.phrase(words) if words else item.replace("_", " ").replace("-", " "))
            self._texts[item] = found
        return found

    def words(self, items: Iterable[str], more: str = "more") -> Listed:
        """'a', 'a and b', 'a, b and c', 'a, b, c and 2 more' (or '... and 2 other topics' with ``more`` "other
        topic"), joined the reader's way; each list made once per explainer."""
        key = (*items, more)
        if (found := self._lists.get(key)) is None:
            shown: list[Value] = [self.text(i) for i in key[:-1]]
            if len(shown) > MAX_LISTED:
                extra = len(shown) - MAX_LISTED
                rest = (w.ngettext("%(num)s other topic", "%(num)s other topics", extra) if more == "other topic"
                        else w.ngettext("%(num)s more", "%(num)s more", extra))
                shown = [*shown[:MAX_LISTED], rest]
            found = self._lists[key] = Listed(tuple(shown))
        return found

    def sentences(self, name: str, pairs: PairsView, which: Sequence[int]) -> list[_Said]:
        """The sentence of one criterion for each of the given pairs. Without names every pair has the same
        voice, so each sentence is written once per subject; subjects are made and dropped one at a time."""
        direction = self.settings.criteria[name].direction
        about, write = SENTENCES[name]
        subjects = about(pairs, direction, which)
        if self.names:
            return [_Said(write(self, self.voice(*who), direction, subject))
                    for who, subject in zip(pairs.people(which), subjects)]
        voice = self.voice(*next(pairs.people(which[:1])))
        return list(map(_Written(lambda subject: _Said(write(self, voice, direction, subject))).__getitem__,
                        subjects))

    def explain_all(self, pairs: PairsView,
                    shares: Mapping[str, Sequence[float]]) -> list[tuple[float, tuple[Contribution, ...]]]:
        """(score, explanation) per pair, from each criterion's points per pair (criteria in settings order):
        the criteria that added points, largest share first, each with a sentence; the score is their sum."""
        return list(zip(*self.explain_columns(pairs, shares)))

    def explain_columns(self, pairs: PairsView, shares: Mapping[str, Sequence[float]]
                        ) -> tuple[list[float], list[tuple[Contribution, ...]]]:
        """`explain_all` as (scores, explanations)."""
        names, columns = tuple(shares), list(shares.values())
        if not names:
            return [sum(())] * len(pairs), [()] * len(pairs)
        points = np.array(columns, dtype=np.float64).T  # (pairs, criteria)
        counts = (points > SHARE_SHOWN).sum(axis=1)  # criteria shown: the first ones in the order below
        order = np.argsort(-points, axis=1, kind="stable")  # stable: equal shares keep the criteria order
        cells = np.arange(len(names)) < counts[:, None]
        cell_pair, cell_criterion = np.nonzero(cells)[0], order[cells]  # every sentence, pair after pair, in order
        texts = np.empty(points.shape, dtype=object)
        for c, name in enumerate(names):
            if len(which := np.flatnonzero(points[:, c] > SHARE_SHOWN)):
                texts[which, c] = self.sentences(name, pairs, which.tolist())
        contributions = list(map(_Contributions().__getitem__, zip(np.array(names, dtype=object)[cell_criterion].tolist(),
                                                                    points[cell_pair, cell_criterion].tolist(),
                                                                    texts[cell_pair, cell_criterion].tolist())))
        ends = np.cumsum(counts).tolist()
        return ([sum(values) for values in zip(*columns)],
                [tuple(contributions[start:end]) for start, end in zip([0, *ends], ends)])

    def explain(self, mentor: Profile, mentee: Profile, shares: Mapping[str, float]) -> tuple[Contribution, ...]:
        """The criteria that added points to a pair, largest share first, each with a sentence."""
        points = {name: [shares.get(name, 0.0)] for name in self.settings.criteria}
        return self.explain_all(PairsView.one(mentor, mentee), points)[0][1]


class _Written(dict):
    """Sentences by subject, written on first use."""

    def __init__(self, write: Callable[[Any], str]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, subject: Hashable) -> str:
        found = self[subject] = self.write(subject)
        return found


class _Said:
    """A sentence as a phrase, and its text in the reader's language (written once, however many pairs share it)."""

    __slots__ = ("phrase", "sentence")

    def __init__(self, phrase: Phrase) -> None:
        self.phrase, self.sentence = phrase, phrase.text()


class _Contributions(dict):
    """Contributions by (criterion, share, sentence), made on first use: pairs with equal ones (the same two
    departments, say) share one immutable object, which saves memory and garbage-collection work."""

    def __missing__(self, key: tuple[str, float, _Said]) -> Contribution:
        criterion, share, said = key
        found = self[key] = Contribution(criterion, share, said.sentence, said.phrase)
        return found


def taught(teacher: Profile, learner: Profile) -> list[str]:
    """Skills the learner wants that the teacher offers above the learner's baseline, biggest gap first."""
    offered = teacher.skills_offered
    gaps = sorted((max(b, 1) - min(offered.get(s, 0), 5), s) for s, b in learner.skills_wanted.items())
    return [s for minus_gap, s in gaps if minus_gap < 0]


# Each criterion: what its sentence is about for each of some pairs (hashable), and the words for one subject.

def _skills_about(p: PairsView, d: Direction, which: Sequence[int]) -> Iterable[Hashable]:
    if d is Direction.COMPLEMENTARY:
        if p.taught is not None:
            return p.taught(np.array(which, dtype=np.int64))
        return ((tuple(taught(m, e)), tuple(taught(e, m))) for m, e in p.people(which))
    if d is Direction.SIMILAR:
        return (tuple(sorted((m.skills_offered.keys() | m.skills_wanted.keys())
                             & (e.skills_offered.keys() | e.skills_wanted.keys()))) for m, e in p.people(which))
    return repeat(None, len(which))


def _say(v: Voice, msgids: Mapping[str, str], **values: Value) -> Phrase:
    """The sentence for the viewer of ``v`` (``msgids`` by viewer: "mentee", "mentor", "instructor"; "you" for
    either participant), with the names and the values its placeholders use."""
    msgid = msgids.get(v.viewer) or msgids["you"]
    names = {"mentor": v.mentor, "mentee": v.mentee,
             "partner": v.mentor if v.viewer == "mentee" else v.mentee}
    used = {k: value for k, value in (names | values).items() if f"%({k})s" in msgid}
    return w.sentence(msgid, **used)


SKILLS_TAUGHT = {  # the mentor offers what the mentee wants
    "mentee": N_("%(mentor)s offers %(skills)s, which you want to learn."),
    "mentor": N_("You offer %(skills)s, which %(mentee)s wants to learn."),
    "instructor": N_("%(mentor)s offers %(skills)s, which %(mentee)s wants to learn."),
}
SKILLS_LEARNED = {  # the mentee offers what the mentor wants
    "mentee": N_("You offer %(skills)s, which %(mentor)s wants to learn."),
    "mentor": N_("%(mentee)s offers %(skills)s, which you want to learn."),
    "instructor": N_("%(mentee)s offers %(skills)s, which %(mentor)s wants to learn."),
}
SKILLS_BOTH_WAYS = {
    "mentee": N_("%(mentor)s offers %(taught)s, which you want to learn; in return you offer %(learned)s, which "
                 "%(mentor)s wants to learn."),
    "mentor": N_("You offer %(taught)s, which %(mentee)s wants to learn; in return %(mentee)s offers %(learned)s, "
                 "which you want to learn."),
    "instructor": N_("%(mentor)s offers %(taught)s, which %(mentee)s wants to learn; in return %(mentee)s offers "
                     "%(learned)s, which %(mentor)s wants to learn."),
}


def _skills(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.COMPLEMENTARY:
        taught_skills, learned_skills = about
        if taught_skills and learned_skills:
            return _say(v, SKILLS_BOTH_WAYS, taught=x.words(taught_skills), learned=x.words(learned_skills))
        if learned_skills:
            return _say(v, SKILLS_LEARNED, skills=x.words(learned_skills))
        return _say(v, SKILLS_TAUGHT, skills=x.words(taught_skills))
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("You both work on %(skills)s."),
                        "instructor": N_("%(mentor)s and %(mentee)s both work on %(skills)s.")}, skills=x.words(about))
    return _say(v, {"you": N_("You and %(partner)s bring different skills to the table."),
                    "instructor": N_("%(mentor)s and %(mentee)s bring different skills to the table.")})


def _channels_about(p: PairsView, d: Direction, which: Sequence[int]) -> Iterable[Hashable]:
    if d is Direction.SIMILAR:
        return (frozenset(m.channels & e.channels) for m, e in p.people(which))
    return ((frozenset(m.channels), frozenset(e.channels)) for m, e in p.people(which))


def _channels(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("You both prefer %(ways)s."),
                        "instructor": N_("%(mentor)s and %(mentee)s both prefer %(ways)s.")}, ways=x.words(sorted(about)))
    return _say(v, {
        "mentee": N_("%(mentor)s prefers %(mentor_ways)s and you prefer %(mentee_ways)s: a chance to try another way "
                     "of keeping in touch."),
        "mentor": N_("You prefer %(mentor_ways)s and %(mentee)s prefers %(mentee_ways)s: a chance to try another way "
                     "of keeping in touch."),
        "instructor": N_("%(mentor)s prefers %(mentor_ways)s and %(mentee)s prefers %(mentee_ways)s: a chance to try "
                         "another way of keeping in touch."),
    }, mentor_ways=x.words(sorted(about[0])), mentee_ways=x.words(sorted(about[1])))


def _interests_about(p: PairsView, d: Direction, which: Sequence[int]) -> Iterable[Hashable]:
    if d is Direction.SIMILAR:
        return (frozenset(m.interests & e.interests) for m, e in p.people(which))
    return repeat(None, len(which))


def _interests(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("You both have an interest in %(interests)s."),
                        "instructor": N_("%(mentor)s and %(mentee)s both have an interest in %(interests)s.")},
                    interests=x.words(sorted(about)))
    return _say(v, {"you": N_("You and %(partner)s have different interests, something new to talk about."),
                    "instructor": N_("%(mentor)s and %(mentee)s have different interests, something new to talk "
                                     "about.")})


def _goals_about(p: PairsView, d: Direction, which: Sequence[int]) -> Iterable[Hashable]:
    if d is not Direction.SIMILAR:
        return repeat(None, len(which))
    words_m = map(p.mentor_words.__getitem__, map(p.rows.__getitem__, which))
    words_e = map(p.mentee_words.__getitem__, map(p.cols.__getitem__, which))
    goals_e = (p.mentees[p.cols[k]].goals for k in which)
    return map(_shared_words, words_m, words_e, goals_e)


def _shared_words(mentor_words: tuple[str, ...], mentee_words: tuple[str, ...], mentee_goals: str) -> tuple[str, ...]:
    """The mentee's keywords that the mentor's goals mention too, in the mentee's order, spelled as the mentee
    wrote them."""
    mentor_set = set(mentor_words)
    shared = [w for w in mentee_words if w in mentor_set]
    if not shared:
        return ()
    spelled = keyword_spellings(mentee_goals)
    return tuple(spelled.get(w, w) for w in shared)


def _goals(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("Your goals both mention %(topics)s."),
                        "instructor": N_("%(mentor)s's and %(mentee)s's goals both mention %(topics)s.")},
                    topics=x.words(about, "other topic"))
    return _say(v, {"you": N_("You and %(partner)s have different goals, which brings fresh perspectives."),
                    "instructor": N_("%(mentor)s and %(mentee)s have different goals, which brings fresh "
                                     "perspectives.")})


About = Callable[[PairsView, Direction, Sequence[int]], Iterable[Hashable]]


def _field_about(field: str) -> About:
    """What a sentence about one profile field depends on: the shared value, or the two different ones."""
    def about(p: PairsView, d: Direction, which: Sequence[int]) -> Iterable[Hashable]:
        if d is Direction.SIMILAR:
            return (getattr(m, field) for m, _ in p.people(which))
        return ((getattr(m, field), getattr(e, field)) for m, e in p.people(which))
    return about


def _department(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("You both work in %(department)s."),
                        "instructor": N_("%(mentor)s and %(mentee)s both work in %(department)s.")},
                    department=x.text(about or ""))
    return _say(v, {
        "you": N_("You and %(partner)s work in different departments (%(mentor_department)s and "
                  "%(mentee_department)s): a window on another part of the organisation."),
        "instructor": N_("%(mentor)s and %(mentee)s work in different departments (%(mentor_department)s and "
                         "%(mentee_department)s): a window on another part of the organisation."),
    }, mentor_department=x.text(about[0] or ""), mentee_department=x.text(about[1] or ""))


def _generation(x: Explainer, v: Voice, d: Direction, about: Any) -> Phrase:
    if d is Direction.SIMILAR:
        return _say(v, {"you": N_("You both belong to the same generation (%(generation)s)."),
                        "instructor": N_("%(mentor)s and %(mentee)s both belong to the same generation "
                                         "(%(generation)s).")},
                    generation=x.text(about or ""))
    return _say(v, {
        "you": N_("You and %(partner)s belong to different generations (%(mentor_generation)s and "
                  "%(mentee_generation)s), the heart of reverse mentoring."),
        "instructor": N_("%(mentor)s and %(mentee)s belong to different generations (%(mentor_generation)s and "
                         "%(mentee_generation)s), the heart of reverse mentoring."),
    }, mentor_generation=x.text(about[0] or ""), mentee_generation=x.text(about[1] or ""))


SENTENCES: dict[str, tuple[About, Callable[[Explainer, Voice, Direction, Any], Phrase]]] = {
    "skills": (_skills_about, _skills), "channels": (_channels_about, _channels),
    "interests": (_interests_about, _interests), "goals": (_goals_about, _goals),
    "department": (_field_about("department"), _department), "generation": (_field_about("generation"), _generation),
}


def sentence_case(text: str) -> str:
    """Capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + "."


def summary(explanation: Iterable[Contribution]) -> str:
    """The sentences of an explanation as one paragraph."""
    text = " ".join(c.sentence for c in explanation)
    return text or _("You meet every rule of the programme, though no shared preference stood out.")
