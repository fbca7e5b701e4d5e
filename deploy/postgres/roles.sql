-- The roles of the PostgreSQL warehouse and the unit-login mapping of its row-level security.
-- Run once per warehouse database, as a superuser, before the first publish; running it again changes nothing:
--   psql -X -v ON_ERROR_STOP=1 -h <host> -d <warehouse database> -f deploy/postgres/roles.sql
-- It sets no password (set them with psql's \password, see deploy/postgres/README.md). The role names default
-- to warehouse/pg.py's REFRESH_ROLE, ANALYST_ROLE and UNIT_ROLE, which the publish grants to: to use other
-- names, change them there and pass the same ones here (-v refresh_role=… -v analyst_role=… -v unit_role=…).
\set ON_ERROR_STOP on
\if :{?refresh_role}
\else
\set refresh_role dx_refresh
\endif
\if :{?analyst_role}
\else
\set analyst_role dx_analyst
\endif
\if :{?unit_role}
\else
\set unit_role dx_unit
\endif

begin;

-- the refresh: the only writer; logs in (the URL of DX_WAREHOUSE_URL names it) and owns what it builds
select format('create role %I login', :'refresh_role')
where not exists (select from pg_roles where rolname = :'refresh_role') \gexec
alter role :"refresh_role" login nosuperuser nocreaterole nobypassrls;
-- the publish waits on other sessions' snapshots: it must see every session in pg_stat_activity
grant pg_read_all_stats to :"refresh_role";

-- analysts and units are group roles: people and tools log in as their members
select format('create role %I nologin', :'analyst_role')
where not exists (select from pg_roles where rolname = :'analyst_role') \gexec
select format('create role %I nologin', :'unit_role')
where not exists (select from pg_roles where rolname = :'unit_role') \gexec
alter role :"analyst_role" nologin nosuperuser nocreatedb nocreaterole nobypassrls;
alter role :"unit_role" nologin nosuperuser nocreatedb nocreaterole nobypassrls;

-- nobody but the refresh creates anything in this database: no schema, no temporary table, nothing in public
revoke all on database :"DBNAME" from public;
grant connect, create, temporary on database :"DBNAME" to :"refresh_role";
grant connect on database :"DBNAME" to :"analyst_role", :"unit_role";
revoke create on schema public from public;

-- dx_ops (warehouse/pg.py's OPS_SCHEMA): what outlives a published version
create schema if not exists dx_ops authorization :"refresh_role";
alter schema dx_ops owner to :"refresh_role";
create table if not exists dx_ops.unit_logins (
    login name primary key,
    agency_code text not null
);
alter table dx_ops.unit_logins owner to :"refresh_role";
-- the unit policies read the mapping as the unit login itself: each reads its own row and no other's
grant usage on schema dx_ops to :"unit_role";
grant select on dx_ops.unit_logins to :"unit_role";
alter table dx_ops.unit_logins enable row level security;
drop policy if exists own_login on dx_ops.unit_logins;
create policy own_login on dx_ops.unit_logins for select to :"unit_role" using (login = current_user);

commit;
