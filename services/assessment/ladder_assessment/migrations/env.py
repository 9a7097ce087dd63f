from ladder_runtime.migrations import run_env

from ladder_assessment.store.tables import metadata

run_env(metadata)
