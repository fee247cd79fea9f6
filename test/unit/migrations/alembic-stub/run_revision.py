"""python3 run_revision.py <revision.py> upgrade|downgrade: prints the module's
revision ids and the statements the function ran, as JSON (see alembic/__init__.py)."""
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alembic  # noqa: E402  (the stub beside this file)

spec = importlib.util.spec_from_file_location('revision', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
getattr(module, sys.argv[2])()
print(json.dumps({
    'revision': module.revision,
    'down_revision': module.down_revision,
    'doc': module.__doc__,
    'statements': alembic.statements,
}))
