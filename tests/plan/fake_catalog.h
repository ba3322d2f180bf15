// A fixed catalog for planner tests: no database involved.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pgphase/catalog.h"
#include "pgphase/plan.h"
#include "pgphase/spec_reader.h"

namespace pgphase::testing {

// users(id bigint PK, name text NOT NULL, email text);
// order_lines(tenant int, id bigint, note text, order_lines_pkey (tenant, id), a plain index);
// logs(msg text) without any key;
// "we""ird;<newline>DROP TABLE users; --"(id int PK);
// accounts(code text PK), for foreign keys from text columns;
// products(id bigint PK, sku text CONSTRAINT sku_length CHECK (length(sku) > 3));
// orders(id serial PK), order_items(id bigint PK, order_id integer REFERENCES orders ON DELETE
// CASCADE DEFERRABLE, indexed), payments(id bigint PK, order_id integer REFERENCES orders):
// ReferencedKeyTables().
inline ColumnInfo Col(const char* name, const char* type, bool not_null) {
  ColumnInfo c;
  c.name = name;
  c.type = type;
  c.not_null = not_null;
  return c;
}

inline TableInfo Table(const char* name) {
  TableInfo t;
  t.schema = "public";
  t.name = name;
  return t;
}

inline IndexInfo Index(const char* name, std::vector<std::string> columns, bool primary) {
  IndexInfo i;
  i.name = name;
  i.unique = i.primary = primary;
  i.plain = true;
  i.columns = std::move(columns);
  return i;
}

inline ConstraintInfo ForeignKeyToOrders(const char* name, char on_delete) {
  ConstraintInfo k;
  k.name = name;
  k.type = 'f';
  k.columns = {"order_id"};
  k.ref_schema = "public";
  k.ref_table = "orders";
  k.ref_columns = {"id"};
  k.on_delete = on_delete;
  k.definition = "FOREIGN KEY (order_id) REFERENCES orders(id)";
  return k;
}

// A table with a bigint primary key `id` and a column order_id integer.
inline TableInfo Referencing(const char* name) {
  TableInfo t = Table(name);
  t.columns = {Col("id", "bigint", true), Col("order_id", "integer", false)};
  t.primary_key = {"id"};
  t.indexes = {Index((std::string(name) + "_pkey").c_str(), {"id"}, true)};
  ConstraintInfo pk;
  pk.name = t.indexes[0].name;
  pk.type = 'p';
  pk.columns = {"id"};
  t.constraints = {pk};
  t.estimated_rows = 3000;
  return t;
}

inline std::vector<TableInfo> ReferencedKeyTables() {
  TableInfo orders = Table("orders");
  orders.columns = {Col("id", "integer", true), Col("note", "text", false)};
  orders.columns[0].default_expr = "nextval('orders_id_seq'::regclass)";
  orders.columns[0].sequence_schema = "public";
  orders.columns[0].sequence = "orders_id_seq";
  orders.columns[0].dependents = {"constraint order_items_order_id_fkey on table order_items",
                                  "constraint payments_order_id_fkey on table payments",
                                  "sequence orders_id_seq"};
  orders.primary_key = {"id"};
  orders.indexes = {Index("orders_pkey", {"id"}, true)};
  ConstraintInfo pk;
  pk.name = "orders_pkey";
  pk.type = 'p';
  pk.columns = {"id"};
  orders.constraints = {pk};
  orders.estimated_rows = 1000;
  TableInfo items = Referencing("order_items");
  items.indexes.push_back(Index("order_items_order_id_idx", {"order_id"}, false));
  items.constraints.push_back(ForeignKeyToOrders("order_items_order_id_fkey", 'c'));
  items.constraints.back().deferrable = true;
  TableInfo payments = Referencing("payments");
  payments.constraints.push_back(ForeignKeyToOrders("payments_order_id_fkey", 'a'));
  return {orders, items, payments};
}

inline CatalogSnapshot FakeCatalog() {
  CatalogSnapshot c;
  TableInfo users = Table("users");
  users.columns = {Col("id", "bigint", true), Col("name", "text", true),
                   Col("email", "text", false)};
  users.primary_key = {"id"};
  IndexInfo pkey;
  pkey.name = "users_pkey";
  pkey.unique = pkey.primary = true;
  pkey.columns = {"id"};
  users.indexes = {pkey};
  ConstraintInfo pk;
  pk.name = "users_pkey";
  pk.type = 'p';
  pk.definition = "PRIMARY KEY (id)";
  users.constraints = {pk};
  users.estimated_rows = 300000;
  TableInfo lines = Table("order_lines");
  lines.columns = {Col("tenant", "integer", true), Col("id", "bigint", true),
                   Col("note", "text", false)};
  lines.primary_key = {"tenant", "id"};
  IndexInfo lines_pkey;
  lines_pkey.name = "order_lines_pkey";
  lines_pkey.unique = lines_pkey.primary = lines_pkey.plain = true;
  lines_pkey.columns = {"tenant", "id"};
  lines.indexes = {lines_pkey};
  ConstraintInfo lines_pk;
  lines_pk.name = "order_lines_pkey";
  lines_pk.type = 'p';
  lines_pk.definition = "PRIMARY KEY (tenant, id)";
  lines_pk.columns = {"tenant", "id"};
  lines.constraints = {lines_pk};
  lines.estimated_rows = 1000;
  TableInfo logs = Table("logs");
  logs.columns = {Col("msg", "text", false)};
  TableInfo weird = Table("we\"ird;\nDROP TABLE users; --");
  weird.columns = {Col("id", "integer", true)};
  weird.primary_key = {"id"};
  TableInfo accounts = Table("accounts");
  accounts.columns = {Col("code", "text", true)};
  accounts.primary_key = {"code"};
  TableInfo products = Table("products");
  products.columns = {Col("id", "bigint", true), Col("sku", "text", false)};
  products.primary_key = {"id"};
  ConstraintInfo sku_length;
  sku_length.name = "sku_length";
  sku_length.type = 'c';
  sku_length.definition = "CHECK ((length(sku) > 3))";
  sku_length.check_expr = "(length(sku) > 3)";
  sku_length.columns = {"sku"};
  products.constraints = {sku_length};
  c.tables = {users, lines, logs, weird, accounts, products};
  for (TableInfo& t : ReferencedKeyTables()) c.tables.push_back(std::move(t));
  c.relation_names = {"public.users", "public.users_pkey", "public.order_lines",
                      "public.logs",  "public.accounts",   "public.products"};
  return c;
}

// The plan's notes, one a line.
inline std::string Notes(const Plan& p) {
  std::string out;
  for (const auto& n : p.notes) out += n + "\n";
  return out;
}

// The volatility pg_proc gives the functions planner tests call (some by the pg_catalog names
// SQL syntax turns into calls: position(a in b), trim(a)).
inline PlanOptions FakeOptions() {
  PlanOptions o;
  for (const char* f : {"upper", "lower", "left", "abs", "length", "md5"})
    o.function_volatility[{"", f}] = Volatility::kImmutable;
  for (const char* f : {"position", "btrim"})
    o.function_volatility[{"pg_catalog", f}] = Volatility::kImmutable;
  o.function_volatility[{"", "now"}] = Volatility::kStable;
  o.function_volatility[{"", "to_char"}] = Volatility::kStable;
  o.function_volatility[{"", "random"}] = Volatility::kVolatile;
  return o;
}

// The plan of a migration written inline (as file 0001_test.yaml) against `catalog`.
inline Result<Plan> PlanYaml(const std::string& yaml,
                             const CatalogSnapshot& catalog = FakeCatalog(),
                             const PlanOptions& options = FakeOptions()) {
  auto spec = ParseSpec(yaml, "0001_test.yaml");
  if (!spec.ok()) return spec.status();
  return BuildPlan(*spec, catalog, options);
}

}  // namespace pgphase::testing
