from ladder_runtime.service_cli import service_cli

from ladder_roles.api.cli import add_catalog_commands
from ladder_roles.bootstrap import NAME, bootstrap

cli = service_cli(NAME, bootstrap)
add_catalog_commands(cli, bootstrap)
