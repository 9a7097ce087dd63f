"""The evidence service's own tables (its database only; no other service reads them)."""

from sqlalchemy import MetaData

from ladder_runtime.role_replica import role_replica_table

metadata = MetaData()

role_replica = role_replica_table(metadata)
