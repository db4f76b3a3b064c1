-- Two roles (docs/decisions/0029): cms_owner owns the database and migrates; cms is the runtime role of the API.
-- For a local try-out only: the passwords are in compose.yaml.
CREATE ROLE cms_owner LOGIN PASSWORD 'cms-compose-owner';
CREATE ROLE cms LOGIN PASSWORD 'cms-compose-only';
CREATE DATABASE cms OWNER cms_owner;
\c cms
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
