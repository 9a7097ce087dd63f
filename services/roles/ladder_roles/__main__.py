from ladder_roles.main import cli

cli()
