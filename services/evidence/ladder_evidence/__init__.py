SERVICE_NAME = "evidence"
