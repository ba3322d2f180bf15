// CatalogSnapshot: the part of a live schema the planner needs, read once, read-only.
//
// The types are plain values so the planner (which never touches a connection) can take
// them; tests build them by hand. The catalog module reads them from a live server
// (catalog_reader.h).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgphase/status.h"

namespace pgphase {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type(atttypid, atttypmod): "character varying(255)"
  bool not_null = false;
  std::optional<std::string> default_expr;  // pg_get_expr(adbin), if any
  bool generated = false;                   // GENERATED ALWAYS AS (...) STORED
  bool identity = false;
  // What else depends on the column (pg_describe_object, sorted; a view rather than its
  // rule): views, policies, statistics, other tables' foreign keys, a sequence it owns, the
  // table's triggers that name it (UPDATE OF) but pgphase's. Not its default, nor the
  // table's own indexes and constraints (IndexInfo, ConstraintInfo).
  std::vector<std::string> dependents;
  // The sequence the column owns (a serial's or an identity's, by pg_depend), "" when none.
  std::string sequence_schema, sequence;
  char identity_kind = '\0';  // pg_attribute.attidentity: 'a' ALWAYS, 'd' BY DEFAULT
};

struct IndexInfo {
  std::string name;
  bool unique = false;
  bool primary = false;
  bool valid = true;
  bool partial = false;  // has a predicate
  // btree over plain columns with their default operator classes, collations and order, no
  // INCLUDE columns and no storage parameters: an index pgphase can rebuild on a new column
  // from its column list alone.
  bool plain = false;
  std::vector<std::string> columns;  // key columns by name; empty entry for an expression
  std::string definition;            // pg_get_indexdef
};

struct ConstraintInfo {
  std::string name;
  char type = '?';  // pg_constraint.contype: c, f, p, u, x
  bool validated = true;
  std::string definition;            // pg_get_constraintdef
  std::string check_expr;            // a check's expression (pg_get_expr of conbin), else ""
  bool no_inherit = false;           // a check's NO INHERIT (connoinherit)
  std::vector<std::string> columns;  // the constrained columns by name (conkey), in order
  // A foreign key's referenced table (pg_constraint.confrelid); empty for other types.
  std::string ref_schema, ref_table;
  // A foreign key's referenced columns (confkey, in the order of `columns`), its actions
  // (confupdtype, confdeltype, confmatchtype: the pg_constraint letters a, r, c, n, d and
  // f, p, s) and deferrability (condeferrable, condeferred).
  std::vector<std::string> ref_columns;
  char on_update = 'a', on_delete = 'a', match_type = 's';
  bool deferrable = false, initially_deferred = false;
};

struct TableInfo {
  std::string schema;
  std::string name;
  std::vector<ColumnInfo> columns;          // in attnum order, dropped columns excluded
  std::vector<IndexInfo> indexes;           // by name
  std::vector<ConstraintInfo> constraints;  // by name
  std::vector<std::string> triggers;        // user triggers, by name
  std::vector<std::string> primary_key;     // column names in key order; empty if none
  int64_t estimated_rows = 0;               // pg_class.reltuples, 0 when never analyzed
  bool partitioned = false;                 // relkind 'p': rows live in the partitions
  char replica_identity = 'd';              // pg_class.relreplident: d, n, f, i
  std::string replica_identity_index;       // the index when replica_identity is 'i'

  const ColumnInfo* FindColumn(const std::string& column) const {
    for (const auto& c : columns)
      if (c.name == column) return &c;
    return nullptr;
  }
  const IndexInfo* FindIndex(const std::string& index) const {
    for (const auto& i : indexes)
      if (i.name == index) return &i;
    return nullptr;
  }
  const ConstraintInfo* FindConstraint(const std::string& constraint) const {
    for (const auto& c : constraints)
      if (c.name == constraint) return &c;
    return nullptr;
  }
};

struct CatalogSnapshot {
  // Ordinary and partitioned tables, by schema, name. A deque: the planner's working copy
  // grows as operations create tables, and pointers to existing tables must stay valid.
  std::deque<TableInfo> tables;
  std::vector<std::string> relation_names;  // every relation name in the schemas read
                                            // (tables, indexes, sequences, views), "schema.name"

  // The planner's working copy only: a table that a rename_table of the migration renames
  // keeps its name here (the name every statement of the plan uses: the table is renamed at
  // the end of contract) and is found by either name.
  struct TableRename {
    std::string schema, from, to;
  };
  std::vector<TableRename> renamed_tables;

  // The table `schema.table` names, through renamed_tables.
  const TableInfo* FindTable(const std::string& schema, const std::string& table) const {
    const std::string* name = &table;
    for (const auto& r : renamed_tables)
      if (r.schema == schema && r.to == table) name = &r.from;
    for (const auto& t : tables)
      if (t.schema == schema && t.name == *name) return &t;
    return nullptr;
  }
  TableInfo* FindTable(const std::string& schema, const std::string& table) {
    return const_cast<TableInfo*>(std::as_const(*this).FindTable(schema, table));
  }
  bool HasRelation(const std::string& schema, const std::string& name) const {
    const std::string key = schema + "." + name;
    for (const auto& r : relation_names)
      if (r == key) return true;
    return false;
  }
};

}  // namespace pgphase
