// ReadCatalog: one read-only, repeatable-read transaction, one query per kind of object
// for all tables of the requested schemas.
//
// Every query filters on the same relations (relkind r or p in the schemas, passed as
// $1, a text[]) and orders by name columns. Those are of type `name`, which always
// sorts with the "C" collation, so the snapshot's order is byte order whatever the
// database's collation: the same schema always gives the same snapshot.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "pgphase/catalog_reader.h"

namespace pgphase {
namespace {

constexpr const char* kTablesSql = R"sql(
SELECT c.oid::int8 AS table_oid,
       n.nspname   AS schema_name,
       c.relname   AS table_name,
       c.reltuples AS reltuples,
       c.relkind = 'p' AS partitioned,
       c.relreplident AS replica_identity,
       (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_identity_index
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY ($1::text[])
 ORDER BY n.nspname, c.relname
)sql";

// Defaults and generation expressions both live in pg_attrdef; a generated column
// has no default, so its expression is not reported as one.
constexpr const char* kColumnsSql = R"sql(
SELECT a.attrelid::int8                         AS table_oid,
       a.attname                                AS column_name,
       format_type(a.atttypid, a.atttypmod)     AS column_type,
       a.attnotnull                             AS not_null,
       CASE WHEN a.attgenerated = ''
            THEN pg_get_expr(d.adbin, d.adrelid)
       END                                      AS default_expr,
       a.attgenerated <> ''                     AS generated,
       a.attidentity <> ''                      AS identity,
       a.attidentity                            AS identity_kind,
       seq.schema                               AS sequence_schema,
       seq.name                                 AS sequence,
       ARRAY(SELECT DISTINCT
                    CASE WHEN d.classid = 'pg_rewrite'::regclass  -- a view's rule: the view
                         THEN (SELECT pg_describe_object('pg_class'::regclass, r.ev_class, 0)
                                 FROM pg_rewrite r WHERE r.oid = d.objid)
                         ELSE pg_describe_object(d.classid, d.objid, d.objsubid)
                    END
               FROM pg_depend d
              WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
                AND d.refobjsubid = a.attnum AND d.deptype <> 'i'
                AND d.classid <> 'pg_attrdef'::regclass
                AND NOT (d.classid = 'pg_class'::regclass
                         AND d.objid IN (SELECT x.indexrelid FROM pg_index x
                                          WHERE x.indrelid = a.attrelid))
                AND NOT (d.classid = 'pg_constraint'::regclass
                         AND d.objid IN (SELECT x.oid FROM pg_constraint x
                                          WHERE x.conrelid = a.attrelid))
                AND NOT (d.classid = 'pg_rewrite'::regclass  -- pgphase's version schemas
                         AND d.objid IN (SELECT r.oid FROM pg_rewrite r
                                           JOIN pg_class v ON v.oid = r.ev_class
                                          WHERE obj_description(v.relnamespace, 'pg_namespace')
                                                LIKE 'pgphase version schema of %'))
                AND NOT (d.classid = 'pg_trigger'::regclass  -- pgphase's own (UPDATE OF)
                         AND d.objid IN (SELECT x.oid FROM pg_trigger x
                                          WHERE x.tgrelid = a.attrelid
                                            AND x.tgname LIKE 'pgphase\_%'))
              ORDER BY 1)                       AS dependents
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN LATERAL (SELECT sn.nspname AS schema, s.relname AS name
                       FROM pg_depend sd
                       JOIN pg_class s ON s.oid = sd.objid AND s.relkind = 'S'
                       JOIN pg_namespace sn ON sn.oid = s.relnamespace
                      WHERE sd.classid = 'pg_class'::regclass
                        AND sd.refclassid = 'pg_class'::regclass
                        AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum
                        AND sd.deptype IN ('a', 'i')
                      LIMIT 1) seq ON true
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY ($1::text[])
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY n.nspname, c.relname, a.attnum
)sql";

// One row per key column (INCLUDE columns excluded) of every index, in key order;
// column_name is NULL for an expression key (attnum 0).
constexpr const char* kIndexesSql = R"sql(
SELECT i.indrelid::int8                 AS table_oid,
       i.indexrelid::int8               AS index_oid,
       ic.relname                       AS index_name,
       i.indisunique                    AS is_unique,
       i.indisprimary                   AS is_primary,
       i.indisvalid                     AS is_valid,
       i.indpred IS NOT NULL            AS is_partial,
       pg_get_indexdef(i.indexrelid)    AS definition,
       am.amname = 'btree' AND i.indexprs IS NULL AND i.indnkeyatts = i.indnatts
         AND ic.reloptions IS NULL AND 0 = ALL (i.indoption::int2[])
         AND NOT EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) AS cls (oid)
                           JOIN pg_opclass o ON o.oid = cls.oid WHERE NOT o.opcdefault)
         AND NOT EXISTS (SELECT 1
                           FROM unnest(i.indcollation::oid[], i.indkey::int2[]) AS x (coll, attnum)
                           JOIN pg_attribute xa ON xa.attrelid = i.indrelid AND xa.attnum = x.attnum
                          WHERE x.coll <> 0 AND x.coll <> xa.attcollation)
                                        AS is_plain,
       a.attname                        AS column_name
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, position)
  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY ($1::text[])
   AND k.position <= i.indnkeyatts
 ORDER BY n.nspname, c.relname, ic.relname, k.position
)sql";

constexpr const char* kConstraintsSql = R"sql(
SELECT con.conrelid::int8                AS table_oid,
       con.conname                       AS constraint_name,
       con.contype                       AS constraint_type,
       con.convalidated                  AS validated,
       pg_get_constraintdef(con.oid)     AS definition,
       CASE WHEN con.contype = 'c'
            THEN pg_get_expr(con.conbin, con.conrelid)
       END                               AS check_expr,
       con.connoinherit                  AS no_inherit,
       ARRAY(SELECT ca.attname FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, i)
               JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.attnum
              ORDER BY k.i)              AS columns,
       rn.nspname                        AS ref_schema,
       rc.relname                        AS ref_table,
       ARRAY(SELECT ra.attname FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, i)
               JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.attnum
              ORDER BY k.i)              AS ref_columns,
       con.confupdtype                   AS on_update,
       con.confdeltype                   AS on_delete,
       con.confmatchtype                 AS match_type,
       con.condeferrable                 AS deferrable,
       con.condeferred                   AS initially_deferred
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY ($1::text[])
 ORDER BY n.nspname, c.relname, con.conname
)sql";

constexpr const char* kTriggersSql = R"sql(
SELECT t.tgrelid::int8 AS table_oid,
       t.tgname        AS trigger_name
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY ($1::text[])
   AND NOT t.tgisinternal
 ORDER BY n.nspname, c.relname, t.tgname
)sql";

// Every relation kind: a new table, index or sequence must not take any of these names.
constexpr const char* kRelationNamesSql = R"sql(
SELECT n.nspname AS schema_name,
       c.relname AS relation_name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ANY ($1::text[])
 ORDER BY n.nspname, c.relname
)sql";

using Transaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Tables of the snapshot, found by the oid every query returns.
class TablesByOid {
 public:
  explicit TablesByOid(std::deque<TableInfo>& tables) : tables_(tables) {}
  void Add(int64_t oid, TableInfo table) {
    index_[oid] = tables_.size();
    tables_.push_back(std::move(table));
  }
  // Null for a table the first query did not see (created since): it is skipped.
  TableInfo* Find(const pqxx::field& oid) {
    auto it = index_.find(oid.as<int64_t>());
    return it == index_.end() ? nullptr : &tables_[it->second];
  }

 private:
  std::deque<TableInfo>& tables_;
  std::unordered_map<int64_t, size_t> index_;
};

// A text[] literal: every element double-quoted, with '"' and '\' escaped.
std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::optional<std::string> OptionalText(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

// A text[] (or name[]) value, element by element.
std::vector<std::string> TextArray(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  pqxx::array_parser parser = f.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value) out.push_back(item.second);
  }
  return out;
}

void ReadTables(Transaction& tx, const std::string& schemas, TablesByOid& tables) {
  for (const auto& row : tx.exec_params(kTablesSql, schemas)) {
    TableInfo t;
    t.schema = row["schema_name"].as<std::string>();
    t.name = row["table_name"].as<std::string>();
    // -1 means never analyzed (PostgreSQL 14+); 0 meant the same before.
    t.estimated_rows = std::max<int64_t>(0, std::llround(row["reltuples"].as<double>()));
    t.partitioned = row["partitioned"].as<bool>();
    t.replica_identity = row["replica_identity"].c_str()[0];
    t.replica_identity_index = OptionalText(row["replica_identity_index"]).value_or("");
    tables.Add(row["table_oid"].as<int64_t>(), std::move(t));
  }
}

void ReadColumns(Transaction& tx, const std::string& schemas, TablesByOid& tables) {
  for (const auto& row : tx.exec_params(kColumnsSql, schemas)) {
    TableInfo* t = tables.Find(row["table_oid"]);
    if (t == nullptr) continue;
    ColumnInfo c;
    c.name = row["column_name"].as<std::string>();
    c.type = row["column_type"].as<std::string>();
    c.not_null = row["not_null"].as<bool>();
    c.default_expr = OptionalText(row["default_expr"]);
    c.generated = row["generated"].as<bool>();
    c.identity = row["identity"].as<bool>();
    c.dependents = TextArray(row["dependents"]);
    c.sequence_schema = OptionalText(row["sequence_schema"]).value_or("");
    c.sequence = OptionalText(row["sequence"]).value_or("");
    c.identity_kind = row["identity_kind"].c_str()[0];
    t->columns.push_back(std::move(c));
  }
}

// Rows arrive one per key column, grouped by index; the primary key's column order
// is its index's key order.
void ReadIndexes(Transaction& tx, const std::string& schemas, TablesByOid& tables) {
  int64_t last_index_oid = -1;
  for (const auto& row : tx.exec_params(kIndexesSql, schemas)) {
    TableInfo* t = tables.Find(row["table_oid"]);
    if (t == nullptr) continue;
    const int64_t index_oid = row["index_oid"].as<int64_t>();
    if (index_oid != last_index_oid) {
      last_index_oid = index_oid;
      IndexInfo i;
      i.name = row["index_name"].as<std::string>();
      i.unique = row["is_unique"].as<bool>();
      i.primary = row["is_primary"].as<bool>();
      i.valid = row["is_valid"].as<bool>();
      i.partial = row["is_partial"].as<bool>();
      i.definition = row["definition"].as<std::string>();
      i.plain = row["is_plain"].as<bool>();
      t->indexes.push_back(std::move(i));
    }
    IndexInfo& index = t->indexes.back();
    index.columns.push_back(OptionalText(row["column_name"]).value_or(""));
    if (index.primary) t->primary_key.push_back(index.columns.back());
  }
}

void ReadConstraints(Transaction& tx, const std::string& schemas, TablesByOid& tables) {
  for (const auto& row : tx.exec_params(kConstraintsSql, schemas)) {
    TableInfo* t = tables.Find(row["table_oid"]);
    if (t == nullptr) continue;
    ConstraintInfo c;
    c.name = row["constraint_name"].as<std::string>();
    c.type = row["constraint_type"].c_str()[0];
    c.validated = row["validated"].as<bool>();
    c.definition = row["definition"].as<std::string>();
    c.check_expr = OptionalText(row["check_expr"]).value_or("");
    c.no_inherit = row["no_inherit"].as<bool>();
    c.columns = TextArray(row["columns"]);
    c.ref_schema = OptionalText(row["ref_schema"]).value_or("");
    c.ref_table = OptionalText(row["ref_table"]).value_or("");
    if (c.type == 'f') {
      c.ref_columns = TextArray(row["ref_columns"]);
      c.on_update = row["on_update"].c_str()[0];
      c.on_delete = row["on_delete"].c_str()[0];
      c.match_type = row["match_type"].c_str()[0];
      c.deferrable = row["deferrable"].as<bool>();
      c.initially_deferred = row["initially_deferred"].as<bool>();
    }
    t->constraints.push_back(std::move(c));
  }
}

void ReadTriggers(Transaction& tx, const std::string& schemas, TablesByOid& tables) {
  for (const auto& row : tx.exec_params(kTriggersSql, schemas)) {
    TableInfo* t = tables.Find(row["table_oid"]);
    if (t != nullptr) t->triggers.push_back(row["trigger_name"].as<std::string>());
  }
}

std::vector<std::string> ReadRelationNames(Transaction& tx, const std::string& schemas) {
  std::vector<std::string> names;
  for (const auto& row : tx.exec_params(kRelationNamesSql, schemas)) {
    names.push_back(row["schema_name"].as<std::string>() + "." +
                    row["relation_name"].as<std::string>());
  }
  return names;
}

// A Status message is one line: the server's first line without its "ERROR:  " tag
// (the rest points into the query text).
std::string FirstLine(const char* text) {
  std::string s = text;
  s = s.substr(0, s.find('\n'));
  for (const char* tag : {"ERROR:  ", "FATAL:  "}) {
    if (s.rfind(tag, 0) == 0) s.erase(0, std::string(tag).size());
  }
  return s;
}

}  // namespace

Result<CatalogSnapshot> ReadCatalog(pqxx::connection_base& conn,
                                    const std::vector<std::string>& schemas) {
  try {
    // Repeatable read: every query sees the same snapshot of the catalog tables.
    Transaction tx(conn, "pgphase_read_catalog");
    const std::string schema_array = TextArrayLiteral(schemas);
    CatalogSnapshot snapshot;
    TablesByOid tables(snapshot.tables);
    ReadTables(tx, schema_array, tables);
    ReadColumns(tx, schema_array, tables);
    ReadIndexes(tx, schema_array, tables);
    ReadConstraints(tx, schema_array, tables);
    ReadTriggers(tx, schema_array, tables);
    snapshot.relation_names = ReadRelationNames(tx, schema_array);
    tx.commit();
    return snapshot;
  } catch (const pqxx::sql_error& e) {
    return Status::Failure("reading the catalog failed (SQLSTATE " + e.sqlstate() +
                           "): " + FirstLine(e.what()));
  } catch (const std::exception& e) {
    return Status::Failure(std::string("reading the catalog failed: ") + FirstLine(e.what()));
  }
}

}  // namespace pgphase
