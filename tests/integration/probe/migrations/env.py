from ladder_runtime.migrations import run_env
from tests.integration.probe import metadata

run_env(metadata)
