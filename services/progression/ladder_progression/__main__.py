from ladder_progression.main import cli

cli()
