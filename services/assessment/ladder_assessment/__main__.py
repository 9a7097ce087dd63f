from ladder_assessment.main import cli

cli()
