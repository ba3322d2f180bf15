// A fixed catalog for planner tests: no database involved.
#pragma once

#include "pgphase/catalog.h"

namespace pgphase::testing {

// users(id bigint PK, name text NOT NULL, email text);
// order_lines(tenant int, id bigint, PK (tenant, id), note text);
// logs(msg text) without any key;
// "we""ird;<newline>DROP TABLE users; --"(id int PK).
inline CatalogSnapshot FakeCatalog() {
  CatalogSnapshot c;
  TableInfo users{"public", "users"};
  users.columns = {{"id", "bigint", true}, {"name", "text", true}, {"email", "text", false}};
  users.primary_key = {"id"};
  users.indexes = {{"users_pkey", true, true, true, false, {"id"}, ""}};
  users.constraints = {{"users_pkey", 'p', true, "PRIMARY KEY (id)"}};
  users.estimated_rows = 300000;
  TableInfo lines{"public", "order_lines"};
  lines.columns = {{"tenant", "integer", true}, {"id", "bigint", true}, {"note", "text", false}};
  lines.primary_key = {"tenant", "id"};
  lines.estimated_rows = 1000;
  TableInfo logs{"public", "logs"};
  logs.columns = {{"msg", "text", false}};
  TableInfo weird{"public", "we\"ird;\nDROP TABLE users; --"};
  weird.columns = {{"id", "integer", true}};
  weird.primary_key = {"id"};
  c.tables = {users, lines, logs, weird};
  c.relation_names = {"public.users", "public.users_pkey", "public.order_lines", "public.logs"};
  return c;
}

}  // namespace pgphase::testing
