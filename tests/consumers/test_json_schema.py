"""The JSON output validated by a real JSON Schema validator against the committed schema."""
import copy
import json

import jsonschema
import pytest

from conftest import CORPUS, ROOT, SEED, run

SCHEMA = json.loads((ROOT / "schema" / "graph.schema.json").read_text())


def export(src, tmp_path):
    out = tmp_path / "graph.json"
    run("json", src, "-o", out)
    return json.loads(out.read_text())


@pytest.mark.parametrize("src", [SEED, CORPUS], ids=["seed", "corpus"])
def test_output_validates(src, tmp_path):
    doc = export(src, tmp_path)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = list(validator.iter_errors(doc))
    assert not errors, errors[:3]
    assert doc["schema_version"] == 1


def test_schema_rejects_a_broken_document(tmp_path):
    doc = export(SEED, tmp_path)
    broken = copy.deepcopy(doc)
    broken["pages"][0]["blocks"][0]["body"] = [{"type": "paragraph", "inlines": [{"type": "no-such-inline"}]}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft202012Validator)
    del broken["pages"][0]["blocks"][0]["body"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft202012Validator)
