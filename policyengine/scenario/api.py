"""``load_scenario(path)``: a scenario file as a world and its requests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ScenarioError
from ..kms.world import Request, World
from .build import to_request, to_world


@dataclass
class LoadedScenario:
    """One scenario of a file: its model (``.model``), ``.world`` and ``.requests``."""

    model: object
    world: World
    requests: list[Request]
    positions: object = None

    @property
    def title(self) -> str:
        return self.model.scenario


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load the scenario in ``path`` (a file holding an array must hold exactly one)."""
    scenarios = load_scenarios(path)
    if len(scenarios) != 1:
        raise ScenarioError(f"{path} holds {len(scenarios)} scenarios; use load_scenarios",
                            file=str(path))
    return scenarios[0]


def load_scenarios(path: str | Path) -> list[LoadedScenario]:
    from .load import load_scenario_file

    loaded = []
    for model, positions in load_scenario_file(path):
        world = to_world(model, getattr(positions, "position", None))
        loaded.append(LoadedScenario(model, world, [to_request(r) for r in model.requests],
                                     positions))
    return loaded
