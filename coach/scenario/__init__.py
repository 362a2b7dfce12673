"""Role-play scenarios: the model, its YAML loader, the engine that plays the customer, and scoring.

    from coach.scenario.loader import ScenarioLibrary, load_scenarios
    from coach.scenario.engine import Engine
    from coach.scenario.state import state_from_json, state_to_json

The format is described in docs/scenarios.md; the JSON Schema is docs/schemas/scenario.schema.json.
"""
