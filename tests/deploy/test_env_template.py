"""deploy/taskforce.env.example lists every environment variable the settings read, each with
its default and what it does, so the template and the settings cannot drift apart."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "taskforce.env.example"


def variables_the_settings_read() -> set[str]:
    """The first argument of every env_*() call in taskforce/settings.py."""
    tree = ast.parse((ROOT / "taskforce" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
        ):
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"line {node.lineno}: name the variable"
            names.add(first.value)
    return names


def template_entries() -> dict[str, str]:
    """Each variable of the template with the comment line describing it."""
    entries = {}
    for line in TEMPLATE.read_text().splitlines():
        described = re.match(r"# ([A-Z][A-Z0-9_]+) \(default: [^)]+\): \S", line)
        if described:
            entries[described.group(1)] = line
    return entries


def test_the_settings_read_the_variables_this_test_expects():
    names = variables_the_settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEYS", "MAX_UPLOAD_BYTES"} <= names
    assert len(names) > 40


def test_every_variable_the_settings_read_is_in_the_template_with_default_and_meaning():
    assert sorted(variables_the_settings_read() - set(template_entries())) == []


def test_the_template_names_no_variable_the_settings_do_not_read():
    assert sorted(set(template_entries()) - variables_the_settings_read()) == []


def test_each_variable_has_a_line_to_set_it():
    lines = TEMPLATE.read_text().splitlines()
    for name in template_entries():
        assert [line for line in lines if re.match(rf"#?{name}=", line)], name
