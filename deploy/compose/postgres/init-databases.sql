-- One database per Ladder service, each owned by its own login role: no service can
-- read another's tables. Run once by the postgres image on an empty data directory
-- (/docker-entrypoint-initdb.d); the Kubernetes dev overlay mounts the same file.
--
-- DEVELOPMENT CREDENTIALS ONLY. Production databases and their credentials come from
-- the platform (see deploy/k8s/README.md), never from this file.

CREATE ROLE ladder_roles LOGIN PASSWORD 'ladder_roles-dev-only';
CREATE DATABASE ladder_roles OWNER ladder_roles;
REVOKE ALL ON DATABASE ladder_roles FROM PUBLIC;

CREATE ROLE ladder_assessment LOGIN PASSWORD 'ladder_assessment-dev-only';
CREATE DATABASE ladder_assessment OWNER ladder_assessment;
REVOKE ALL ON DATABASE ladder_assessment FROM PUBLIC;

CREATE ROLE ladder_evidence LOGIN PASSWORD 'ladder_evidence-dev-only';
CREATE DATABASE ladder_evidence OWNER ladder_evidence;
REVOKE ALL ON DATABASE ladder_evidence FROM PUBLIC;

CREATE ROLE ladder_progression LOGIN PASSWORD 'ladder_progression-dev-only';
CREATE DATABASE ladder_progression OWNER ladder_progression;
REVOKE ALL ON DATABASE ladder_progression FROM PUBLIC;
