#!/usr/bin/env python3
"""SchemaTest: `pgphase schema` against real files, with a real JSON Schema validator.

Usage: validate.py PGPHASE_BINARY SOURCE_DIR

Every migration in plans/, tests/golden/ and the conformance set
(SOURCE_DIR/../shared/conformance/pgroll-examples, skipped with a message when absent)
must validate; every file in tests/spec/schema/bad/ (cases of the bad-input corpus,
integration/input_test.cc) must fail validation, and the spec reader (`pgphase lint`)
must refuse it too. Exits 77 (ctest: skipped) without python3-jsonschema or python3-yaml.
"""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"SKIP: {e.name} is missing (apt-get install python3-jsonschema python3-yaml;"
          " scripts/bootstrap.sh installs them)")
    sys.exit(77)


def load(path):
    with open(path, "rb") as f:
        return yaml.safe_load(f)


def main():
    binary, source = sys.argv[1], sys.argv[2]
    schema = json.loads(subprocess.run([binary, "schema"], check=True, capture_output=True,
                                       text=True).stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures = []

    good = sorted(glob.glob(os.path.join(source, "plans", "**", "*.yaml"), recursive=True))
    good += sorted(glob.glob(os.path.join(source, "tests", "golden", "*.yaml")))
    conformance = os.path.join(source, "..", "shared", "conformance", "pgroll-examples")
    if os.path.isdir(conformance):
        good += sorted(glob.glob(os.path.join(conformance, "*.yaml")))
    else:
        print(f"conformance set not found at {conformance} (a plain clone lacks it): skipped")
    for path in good:
        errors = list(validator.iter_errors(load(path)))
        if errors:
            failures.append(f"{path}: should validate: {errors[0].message}")
    print(f"{len(good)} migrations checked against the schema")

    bad = sorted(glob.glob(os.path.join(source, "tests", "spec", "schema", "bad", "*.yaml")))
    for path in bad:
        try:
            doc = load(path)
        except yaml.YAMLError:
            failures.append(f"{path}: a bad case must be YAML the schema can judge")
            continue
        if validator.is_valid(doc):
            failures.append(f"{path}: the schema accepts a spec the reader refuses")
        lint = subprocess.run([binary, "lint", path], capture_output=True, text=True)
        if lint.returncode != 2:
            failures.append(f"{path}: pgphase lint exits {lint.returncode}, expected 2")
    print(f"{len(bad)} broken specs refused by the schema and by the reader")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures or len(bad) < 5 else 0


if __name__ == "__main__":
    sys.exit(main())
