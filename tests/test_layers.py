"""The layers of .importlinter hold for model references too: a ForeignKey("ledger.X") is an
import that import-linter cannot see, so this test reads the same contract and checks every
relation of every model points at its own layer or one below."""

import configparser

from django.apps import apps

from .conftest import ROOT


def layer_ranks() -> dict[str, int]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = [line.strip() for line in config["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    return {app.strip(): rank for rank, line in enumerate(reversed(layers)) for app in line.split("|")}


def test_the_contract_names_every_project_app():
    project_apps = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert set(layer_ranks()) == project_apps


def test_every_model_relation_points_at_its_layer_or_below():
    ranks = layer_ranks()
    upward = []
    for model in apps.get_models():
        app = model._meta.app_label
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            target = field.related_model._meta.app_label
            if app in ranks and target in ranks and ranks[target] > ranks[app]:
                upward.append(f"{model.__name__}.{field.name} -> {target}")
    assert upward == []


def test_siblings_do_not_reference_each_other():
    ranks = layer_ranks()
    for model in apps.get_models():
        app = model._meta.app_label
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model:
                target = field.related_model._meta.app_label
                if app != target and app in ranks and target in ranks:
                    assert ranks[target] != ranks[app], f"{model.__name__}.{field.name} -> {target}"
