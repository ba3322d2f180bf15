#include <fmt/format.h>

#include "pgphase/ddl_version.h"
#include "pgphase/sql.h"
#include "sql/clauses.h"

namespace pgphase::ddl {
namespace {

std::string TextArray(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + QuoteLiteral(item);
  return "ARRAY[" + out + "]::text[]";
}

// One view per table of `of_schema`, as VersionShape says (the arrays are its lists, column by
// column; see CreateViews).
constexpr const char* kCreateViews = R"sql(
DECLARE
  t record;
  cols text;
BEGIN
  FOR t IN SELECT c.oid, c.relname, coalesce(n.shown, c.relname) AS shown
             FROM pg_catalog.pg_class c
             LEFT JOIN ROWS FROM (pg_catalog.unnest({from}), pg_catalog.unnest({to})) AS n (physical, shown) ON n.physical = c.relname
            WHERE c.relnamespace = {of}::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition AND c.relname NOT LIKE '\_pgphase%'
              AND c.relname <> ALL ({hidden_tables})
            ORDER BY c.relname LOOP
    SELECT string_agg(CASE WHEN m.shown IS NULL OR m.shown = a.attname
                           THEN pg_catalog.quote_ident(a.attname)
                           ELSE pg_catalog.quote_ident(a.attname) || ' AS ' || pg_catalog.quote_ident(m.shown) END, ', ' ORDER BY coalesce((SELECT r.attnum FROM pg_catalog.pg_attribute r WHERE r.attrelid = t.oid AND r.attname = m.replaces), a.attnum)) INTO cols
      FROM pg_catalog.pg_attribute a
      LEFT JOIN ROWS FROM (pg_catalog.unnest({alias_t}), pg_catalog.unnest({alias_p}), pg_catalog.unnest({alias_s}), pg_catalog.unnest({alias_r})) AS m (tbl, phys, shown, replaces)
        ON m.tbl = t.relname AND m.phys = a.attname
     WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
       AND (m.shown IS NOT NULL OR (a.attname NOT LIKE '\_pgphase\_%' AND NOT EXISTS (
            SELECT 1 FROM ROWS FROM (pg_catalog.unnest({hide_t}), pg_catalog.unnest({hide_c})) AS h (tbl, col)
             WHERE h.tbl = t.relname AND h.col = a.attname)));
    EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %I.%I WITH (security_invoker = true) AS SELECT %s FROM %I.%I', {name}, t.shown, coalesce(cols, ''), {of_name}, t.relname);
  END LOOP;
END
)sql";

std::string CreateViews(const std::string& name, const std::string& of_schema,
                        const VersionShape& shape) {
  std::vector<std::string> hide_t, hide_c, alias_t, alias_p, alias_s, alias_r, from, to;
  for (const auto& t : shape.renamed_tables) {
    from.push_back(t.physical);
    to.push_back(t.shown);
  }
  for (const auto& c : shape.hidden_columns) {
    hide_t.push_back(c.table);
    hide_c.push_back(c.column);
  }
  for (const auto& a : shape.aliases) {
    alias_t.push_back(a.table);
    alias_p.push_back(a.physical);
    alias_s.push_back(a.shown);
    alias_r.push_back(a.replaces);
  }
  return DoBlock(fmt::format(
      fmt::runtime(kCreateViews), fmt::arg("of", QuoteLiteral(Q(of_schema))),
      fmt::arg("of_name", QuoteLiteral(of_schema)), fmt::arg("name", QuoteLiteral(name)),
      fmt::arg("hidden_tables", TextArray(shape.hidden_tables)),
      fmt::arg("alias_t", TextArray(alias_t)), fmt::arg("alias_p", TextArray(alias_p)),
      fmt::arg("alias_s", TextArray(alias_s)), fmt::arg("alias_r", TextArray(alias_r)),
      fmt::arg("from", TextArray(from)), fmt::arg("to", TextArray(to)),
      fmt::arg("hide_t", TextArray(hide_t)), fmt::arg("hide_c", TextArray(hide_c))));
}

// CompleteVersionSchema's DO block: a view for each table of `of_schema` that has none in
// {name}, and, for a view that lacks some of its table's columns, the view again with them
// after its own. A view that shows a column its table no longer has is left as it is.
constexpr const char* kCompleteViews = R"sql(
DECLARE
  t record;
  v regclass;
  cols text;
BEGIN
  FOR t IN SELECT c.oid, c.relname FROM pg_catalog.pg_class c
            WHERE c.relnamespace = {of}::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition AND c.relname NOT LIKE '\_pgphase%'
            ORDER BY c.relname LOOP
    v := pg_catalog.to_regclass(pg_catalog.format('%I.%I', {name}, t.relname));
    CONTINUE WHEN v IS NOT NULL AND EXISTS (
      SELECT 1 FROM pg_catalog.pg_attribute va
       WHERE va.attrelid = v AND va.attnum > 0 AND NOT EXISTS (
             SELECT 1 FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = t.oid AND a.attname = va.attname AND NOT a.attisdropped));
    SELECT string_agg(pg_catalog.quote_ident(x.attname), ', ' ORDER BY x.ord) INTO cols FROM (
      SELECT va.attname, va.attnum AS ord FROM pg_catalog.pg_attribute va
       WHERE va.attrelid = v AND va.attnum > 0
      UNION ALL
      SELECT a.attname, 100000 + a.attnum FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attname NOT LIKE '\_pgphase\_%'
         AND (v IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute va
                                        WHERE va.attrelid = v AND va.attname = a.attname))) x;
    CONTINUE WHEN v IS NOT NULL AND cols = (SELECT string_agg(pg_catalog.quote_ident(va.attname), ', ' ORDER BY va.attnum)
                                              FROM pg_catalog.pg_attribute va WHERE va.attrelid = v AND va.attnum > 0);
    EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW %I.%I WITH (security_invoker = true) AS SELECT %s FROM %I.%I', {name}, t.relname, coalesce(cols, ''), {of_name}, t.relname);
  END LOOP;
END
)sql";

// Every grant on each view's table (the owner's implicit ones included), made on the view, and
// USAGE on the schema to each grantee.
std::string CopyGrants(const std::string& schema) {
  const std::string body = fmt::format(
      "\nDECLARE\n"
      "  g record;\n"
      "BEGIN\n"
      "  FOR g IN\n"
      "    SELECT DISTINCT v.oid::regclass AS view, a.privilege_type AS privilege,\n"
      "           CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
      "ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS grantee,\n"
      "           a.is_grantable\n"
      "      FROM pg_catalog.pg_class v\n"
      "      JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid\n"
      "      JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass "
      "AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass "
      "AND d.refobjid <> v.oid\n"
      "      JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')\n"
      "      CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(t.relacl, "
      "pg_catalog.acldefault('r', t.relowner))) a\n"
      "     WHERE v.relnamespace = {schema}::regnamespace AND v.relkind = 'v'\n"
      "     ORDER BY 1, 2, 3\n"
      "  LOOP\n"
      "    EXECUTE pg_catalog.format('GRANT %s ON %s TO %s%s', g.privilege, g.view, g.grantee,\n"
      "      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);\n"
      "    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %s', {name}, g.grantee);\n"
      "  END LOOP;\n"
      "END\n",
      fmt::arg("schema", QuoteLiteral(Q(schema))), fmt::arg("name", QuoteLiteral(schema)));
  return DoBlock(body);
}

}  // namespace

Statement CreateVersionSchema(const std::string& name, const std::string& of_schema,
                              const std::string& migration, const VersionShape& shape) {
  const std::string marker =
      fmt::format("{} of {}{}", kVersionSchemaMarker, of_schema,
                  migration.empty() ? ", baseline" : ", migration " + migration);
  std::vector<Statement> parts = {
      {"CREATE SCHEMA IF NOT EXISTS " + Q(name), Lock::kNone},
      {fmt::format("COMMENT ON SCHEMA {} IS {}", Q(name), QuoteLiteral(marker)), Lock::kNone}};
  parts.push_back({CreateViews(name, of_schema, shape), Lock::kAccessShare});
  for (const VersionShape::Alias& a : shape.aliases) {
    if (a.default_expr.empty()) continue;
    std::string view = a.table;
    for (const auto& t : shape.renamed_tables)
      if (t.physical == a.table) view = t.shown;
    parts.push_back({fmt::format("ALTER VIEW {}.{} ALTER COLUMN {} SET DEFAULT {}", Q(name),
                                 Q(view), Q(a.shown), a.default_expr),
                     Lock::kNone});
  }
  parts.push_back({CopyGrants(name), Lock::kNone});
  parts.push_back(
      {fmt::format("INSERT INTO pgphase.version_schemas (name, of_schema, migration) VALUES "
                   "({}, {}, {}) ON CONFLICT (name) DO NOTHING",
                   QuoteLiteral(name), QuoteLiteral(of_schema),
                   migration.empty() ? "NULL" : QuoteLiteral(migration)),
       Lock::kNone});
  return Transaction(parts);
}

Statement CompleteVersionSchema(const std::string& name, const std::string& of_schema) {
  const std::string views = DoBlock(fmt::format(
      fmt::runtime(kCompleteViews), fmt::arg("of", QuoteLiteral(Q(of_schema))),
      fmt::arg("of_name", QuoteLiteral(of_schema)), fmt::arg("name", QuoteLiteral(name))));
  return Transaction({{views, Lock::kAccessShare}, {CopyGrants(name), Lock::kNone}});
}

Statement SetViewDefault(const Rel& view, const std::string& column,
                         const std::optional<std::string>& expr, const std::string& type) {
  const std::string null = fmt::format("NULLIF(NULL::{}, NULL)", type);
  return {fmt::format("ALTER VIEW IF EXISTS {} ALTER COLUMN {} SET DEFAULT {}", view.Quoted(),
                      Q(column), expr.value_or(null)),
          Lock::kAccessExclusive};
}

Statement DropViewDefault(const Rel& view, const std::string& column) {
  return {
      fmt::format("ALTER VIEW IF EXISTS {} ALTER COLUMN {} DROP DEFAULT", view.Quoted(), Q(column)),
      Lock::kAccessExclusive};
}

Statement DropVersionSchema(const std::string& name) {
  return Transaction(
      {{fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", Q(name)), Lock::kAccessExclusive},
       {"DELETE FROM pgphase.version_schemas WHERE name = " + QuoteLiteral(name), Lock::kNone}});
}

// Sessions and settings that use the version schema {name} (CheckVersionSchemaUnused).
constexpr const char* kCheckVersionSchemaUnused = R"sql(
DECLARE
  s oid := pg_catalog.to_regnamespace({ident});
  sessions text;
  settings text;
  msg text;
BEGIN
  IF s IS NULL THEN
    RETURN;
  END IF;
  FOR i IN 1..5 LOOP
    SELECT string_agg(DISTINCT pg_catalog.format('pid %s (user %s, application %L, client %s)', a.pid, a.usename, a.application_name, coalesce(a.client_addr::text, 'local')), '; ') INTO sessions
      FROM pg_catalog.pg_locks l
      JOIN pg_catalog.pg_class c ON c.oid = l.relation
      JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
     WHERE c.relnamespace = s AND l.pid <> pg_catalog.pg_backend_pid();
    EXIT WHEN sessions IS NOT NULL OR i = 5;
    PERFORM pg_catalog.pg_sleep(0.1);
  END LOOP;
  SELECT string_agg(pg_catalog.format('%s in %s', CASE WHEN r.setrole = 0 THEN 'every role' ELSE 'role ' || pg_catalog.pg_get_userbyid(r.setrole) END, CASE WHEN r.setdatabase = 0 THEN 'every database' ELSE 'database ' || (SELECT datname FROM pg_catalog.pg_database WHERE oid = r.setdatabase) END), '; ' ORDER BY 1) INTO settings
    FROM pg_catalog.pg_db_role_setting r
   WHERE r.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))
     AND EXISTS (SELECT 1 FROM pg_catalog.unnest(r.setconfig) c WHERE c LIKE 'search_path=%' AND pg_catalog.strpos(c, {name}) > 0);
  IF sessions IS NULL AND settings IS NULL THEN
    RETURN;
  END IF;
  msg := pg_catalog.format('version schema %s is still in use:%s%s', {name},
    CASE WHEN sessions IS NULL THEN '' ELSE ' sessions using its views: ' || sessions END,
    CASE WHEN settings IS NULL THEN '' ELSE ' search_path configured for: ' || settings END);
  IF coalesce(pg_catalog.current_setting('pgphase.ignore_version_sessions', true), '') = 'on' THEN
    RAISE WARNING '%', msg;
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = msg || '; point them at the newer version schema first, or contract with --ignore-version-sessions';
  END IF;
END
)sql";

Statement CheckVersionSchemaUnused(const std::string& name) {
  return {DoBlock(fmt::format(fmt::runtime(kCheckVersionSchemaUnused),
                              fmt::arg("ident", QuoteLiteral(Q(name))),
                              fmt::arg("name", QuoteLiteral(name)))),
          Lock::kNone};
}

std::string NotInVersionSchema(const std::string& d) {
  return fmt::format(
      "AND NOT ({d}.classid = 'pg_catalog.pg_rewrite'::regclass AND {d}.objid IN (SELECT r.oid "
      "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE "
      "pg_catalog.obj_description(v.relnamespace, 'pg_namespace') LIKE '{marker} of %'))",
      fmt::arg("d", d), fmt::arg("marker", kVersionSchemaMarker));
}

}  // namespace pgphase::ddl
