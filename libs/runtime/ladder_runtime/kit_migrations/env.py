from ladder_runtime.migrations import run_env
from ladder_runtime.store.tables import kit_metadata

run_env(kit_metadata)
