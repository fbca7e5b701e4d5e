-- A unit's login: a member of the unit role, mapped to its agency code in dx_ops.unit_logins, so it reads its
-- own rows and the area's (warehouse/pg_access.py). Run as a superuser after roles.sql; run again to remap:
--   psql -X -v ON_ERROR_STOP=1 -d <warehouse database> -v login=ubnd_pho_an -v agency_code=XA_PHO_AN \
--        -f deploy/postgres/add_unit_login.sql
-- then give the login its password with psql's \password. unit_role: as for roles.sql (default dx_unit).
\set ON_ERROR_STOP on
\if :{?unit_role}
\else
\set unit_role dx_unit
\endif

begin;

-- a code the published dim_agency does not know would let the login read only the area's rows: refuse it
select set_config('dx.new_unit_code', :'agency_code', true);
do $$
begin
    if to_regclass('published.dim_agency') is not null and not exists (
        select from published.dim_agency where agency_code = current_setting('dx.new_unit_code')
    ) then
        raise exception 'agency code % is not in published.dim_agency: nothing changed',
            current_setting('dx.new_unit_code');
    end if;
end
$$;

select format('create role %I login', :'login')
where not exists (select from pg_roles where rolname = :'login') \gexec
grant :"unit_role" to :"login";
insert into dx_ops.unit_logins (login, agency_code) values (:'login', :'agency_code')
on conflict (login) do update set agency_code = excluded.agency_code;

commit;
