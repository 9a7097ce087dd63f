from ladder_runtime.service_cli import service_cli

from ladder_assessment.bootstrap import NAME, bootstrap

cli = service_cli(NAME, bootstrap)
