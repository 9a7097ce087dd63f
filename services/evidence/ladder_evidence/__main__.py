from ladder_evidence.main import cli

cli()
