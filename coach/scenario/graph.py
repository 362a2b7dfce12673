"""The shape of a scenario as a graph: which nodes can be reached, and from which an ending can.

Pure functions over a loaded `Scenario`; the loader turns what they find into problems, so a
scenario with a dead end or an orphan node never reaches the engine.
"""

from __future__ import annotations

from collections import deque

from coach.errors import Problem
from coach.scenario.model import Scenario


def reachable(scenario: Scenario) -> set[str]:
    """Nodes and endings the customer can get to from the start (the limits' endings included)."""
    seen = {scenario.start}
    queue = deque([scenario.start])
    while queue:
        node = scenario.nodes.get(queue.popleft())
        if node is None:  # an ending
            continue
        for branch in node.branches:
            if branch.goto not in seen:
                seen.add(branch.goto)
                queue.append(branch.goto)
    seen.add(scenario.limits.on_turns)
    if scenario.limits.on_mood:
        seen.add(scenario.limits.on_mood)
    return seen


def can_end(scenario: Scenario) -> set[str]:
    """Nodes from which some chain of branches leads to an ending (without relying on the limits)."""
    leads: dict[str, set[str]] = {}
    for node in scenario.nodes.values():
        for branch in node.branches:
            leads.setdefault(branch.goto, set()).add(node.id)
    done = set(scenario.endings)
    queue = deque(done)
    while queue:
        for parent in leads.get(queue.popleft(), ()):
            if parent not in done:
                done.add(parent)
                queue.append(parent)
    return done - set(scenario.endings)


def graph_problems(scenario: Scenario) -> list[Problem]:
    """Unreachable nodes and endings, dead ends, missing default branches, shadowed branches."""
    problems: list[Problem] = []
    reached = reachable(scenario)
    ending_nodes = can_end(scenario)
    for node in scenario.nodes.values():
        where = node.source
        if node.id not in reached:
            problems.append(Problem(where.path, where.line, where.column,
                                    f"node '{node.id}' cannot be reached: no branch goes to it"))
        elif node.id not in ending_nodes:
            problems.append(Problem(where.path, where.line, where.column,
                                    f"no ending can be reached from node '{node.id}': every path from it "
                                    "loops back, so the customer would only leave at the turn limit"))
        defaults = [i for i, b in enumerate(node.branches) if b.when is None]
        if not defaults:
            last = node.branches[-1].source if node.branches else where
            problems.append(Problem(last.path, last.line, last.column,
                                    f"node '{node.id}' has no default branch: add a last branch without "
                                    "'when' so every reply leads somewhere"))
        elif defaults[0] != len(node.branches) - 1:
            shadowed = node.branches[defaults[0] + 1].source
            problems.append(Problem(shadowed.path, shadowed.line, shadowed.column,
                                    f"node '{node.id}': this branch is never taken, because the branch "
                                    "without 'when' before it always matches; put the default last"))
    for ending in scenario.endings.values():
        if ending.id not in reached:
            where = ending.source
            problems.append(Problem(where.path, where.line, where.column,
                                    f"ending '{ending.id}' cannot be reached: no branch or limit goes to it"))
    goods = [e for e in scenario.endings.values() if e.good]
    if not goods or len(goods) == len(scenario.endings):
        where = scenario.source
        kind = "good" if not goods else "bad"
        problems.append(Problem(where.path, where.line, where.column,
                                f"the scenario has no {kind} ending; give the learner a way to succeed "
                                "and a way to fail", "warning"))
    return problems
