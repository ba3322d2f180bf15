// Planners for the table operations (see plan/builder.h). Tables stay physical: both
// application versions use the real table, so these operations need no sync trigger.
//
//   create_table          expand: CREATE TABLE (+ COMMENTs)        reverse: DROP TABLE
//   drop_table            contract: DROP TABLE (the old app keeps using it until then)
//   rename_table          expand: view "to" over "from"; swap: the table takes the new name
//                         and a view keeps the old one; contract: drop that view
//   set_replica_identity  expand: ALTER TABLE ... REPLICA IDENTITY  reverse: the previous one
//   sql                   expand (or contract with onComplete): the user's statements;
//                         reverse: `down`, when given
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "pgphase/ddl_table.h"
#include "pgphase/sql.h"
#include "plan/builder.h"

namespace pgphase {
namespace {

Status Invalid(const SourceLocation& where, const std::string& kind, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), kind, what));
}

// Prefixes a field path to a sql-module error message.
Status InvalidField(const SourceLocation& where, const std::string& field, const Status& st) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), field, st.message()));
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The type as the catalog would name it, for key casts and later operations in the same
// migration: the serial pseudo-types become their integer types.
std::string CatalogType(const std::string& written) {
  std::string t;
  for (char c : written) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "serial" || t == "serial4") return "integer";
  if (t == "bigserial" || t == "serial8") return "bigint";
  if (t == "smallserial" || t == "serial2") return "smallint";
  if (t == "int" || t == "int4") return "integer";
  if (t == "int8") return "bigint";
  if (t == "int2") return "smallint";
  return written;
}

// An expression on the new table's own row (check, generated): every column it names
// must be one of the table's columns.
Status CheckOwnExpression(const SqlExpr& e, const std::string& field,
                          const std::vector<ColumnSpec>& columns, const std::string& table) {
  Result<ExprAnalysis> a = AnalyzeExpression(e.text);
  if (!a.ok()) return InvalidField(e.where, field, a.status());
  if (a->has_subquery) return Invalid(e.where, field, "a sub-select is not allowed here");
  for (const auto& ref : a->column_refs) {
    const bool known = std::any_of(columns.begin(), columns.end(),
                                   [&](const ColumnSpec& c) { return c.name == ref; });
    if (!known)
      return Invalid(
          e.where, field,
          fmt::format("column {} does not exist in table {}", QuoteIdent(ref), QuoteIdent(table)));
  }
  return Status::Ok();
}

class CreateTablePlanner {
 public:
  CreateTablePlanner(const CreateTableOp& op, const SourceLocation& where, PlanBuilder& b)
      : op_(op), where_(where), b_(b), schema_(b.spec().settings.schema) {}

  Status Plan();

 private:
  Status Fail(const SourceLocation& at, const std::string& what) const {
    return Invalid(at, "create_table", what);
  }
  bool HasColumn(const std::string& name) const {
    return std::any_of(op_.columns.begin(), op_.columns.end(),
                       [&](const ColumnSpec& c) { return c.name == name; });
  }
  Status ClaimConstraintName(const SourceLocation& at, const std::string& name);
  Status CheckColumnsExist(const SourceLocation& at, const std::string& field,
                           const std::vector<std::string>& names) const;
  // The referenced table and columns must exist (this table itself for a self-reference).
  Status CheckReference(const SourceLocation& at, const std::string& table,
                        const std::vector<std::string>& columns) const;
  Result<ddl::ColumnDef> Column(const ColumnSpec& c);
  Result<std::string> Constraint(const ConstraintSpec& c);
  void Record(const std::vector<std::string>& primary_key);

  const CreateTableOp& op_;
  const SourceLocation& where_;
  PlanBuilder& b_;
  const std::string schema_;
  std::vector<std::string> constraint_names_;
  std::vector<std::pair<std::string, std::vector<std::string>>> unique_indexes_;
  std::string pk_name_;
  bool references_other_table_ = false;
};

Status CreateTablePlanner::ClaimConstraintName(const SourceLocation& at, const std::string& name) {
  if (Contains(constraint_names_, name))
    return Fail(at, "constraint " + QuoteIdent(name) + " is defined twice");
  constraint_names_.push_back(name);
  return Status::Ok();
}

Status CreateTablePlanner::CheckColumnsExist(const SourceLocation& at, const std::string& field,
                                             const std::vector<std::string>& names) const {
  for (const auto& n : names) {
    if (!HasColumn(n))
      return Fail(at, fmt::format("{}: column {} is not a column of table {}", field, QuoteIdent(n),
                                  QuoteIdent(op_.name)));
  }
  return Status::Ok();
}

Status CreateTablePlanner::CheckReference(const SourceLocation& at, const std::string& table,
                                          const std::vector<std::string>& columns) const {
  if (table == op_.name) return CheckColumnsExist(at, "references", columns);
  const TableInfo* t = b_.catalog().FindTable(schema_, table);
  if (t == nullptr)
    return Fail(at, "references: table " + QuoteQualified(schema_, table) + " does not exist");
  for (const auto& c : columns) {
    if (t->FindColumn(c) == nullptr)
      return Fail(at, fmt::format("references: column {} does not exist in table {}", QuoteIdent(c),
                                  QuoteIdent(table)));
  }
  return Status::Ok();
}

Result<ddl::ColumnDef> CreateTablePlanner::Column(const ColumnSpec& c) {
  ddl::ColumnDef d;
  d.name = c.name;
  d.type = c.type;
  if (Status st = CheckTypeName(c.type); !st.ok())
    return InvalidField(c.where, "create_table.columns.type", st);
  d.not_null = !c.nullable || c.pk;
  d.unique = c.unique && !c.pk;
  if (c.default_value) {
    Result<ExprAnalysis> a = AnalyzeExpression(c.default_value->text);
    if (!a.ok())
      return InvalidField(c.default_value->where, "create_table.columns.default", a.status());
    if (!a->column_refs.empty())
      return Invalid(c.default_value->where, "create_table.columns.default",
                     "a default cannot refer to columns");
    d.default_expr = EmbedExpression(c.default_value->text);
  }
  if (c.generated && c.generated->expression) {
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(*c.generated->expression,
                                               "create_table.columns.generated.expression",
                                               op_.columns, op_.name));
    d.generated_expr = EmbedExpression(c.generated->expression->text);
  }
  if (c.generated && c.generated->identity) {
    d.identity = *c.generated->identity;
    if (c.generated->sequence_options) {
      if (Status st = ddl::CheckSequenceOptions(*c.generated->sequence_options); !st.ok())
        return InvalidField(c.where, "create_table.columns.generated.identity", st);
      d.identity_options = *c.generated->sequence_options;
    }
  }
  if (c.check) {
    PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, c.check->name));
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(
        c.check->constraint, "create_table.columns.check.constraint", op_.columns, op_.name));
    d.check_name = c.check->name;
    d.check_expr = EmbedExpression(c.check->constraint.text);
  }
  if (c.references) {
    const ReferencesSpec& r = *c.references;
    PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, r.name));
    PGPHASE_RETURN_IF_ERROR(CheckReference(c.where, r.table, {r.column}));
    references_other_table_ |= r.table != op_.name;
    d.fk_name = r.name;
    d.fk = ddl::ForeignKeyDef{{schema_, r.table}, {r.column},   r.on_delete,         r.on_update,
                              r.match_type,       r.deferrable, r.initially_deferred};
  }
  if (d.unique) unique_indexes_.push_back({BoundedName({op_.name, c.name, "key"}), {c.name}});
  return d;
}

Result<std::string> CreateTablePlanner::Constraint(const ConstraintSpec& c) {
  PGPHASE_RETURN_IF_ERROR(ClaimConstraintName(c.where, c.name));
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(c.where, "constraints.columns", c.columns));
  PGPHASE_RETURN_IF_ERROR(CheckColumnsExist(c.where, "constraints.index_parameters.include_columns",
                                            c.include_columns));
  if (!c.storage_parameters.empty()) {
    if (Status st = ddl::CheckStorageParameters(c.storage_parameters); !st.ok())
      return InvalidField(c.where, "create_table.constraints.index_parameters", st);
  }
  if (c.type == "check") {
    PGPHASE_RETURN_IF_ERROR(
        CheckOwnExpression(*c.check, "create_table.constraints.check", op_.columns, op_.name));
    return ddl::CheckClause(c.name, EmbedExpression(c.check->text), c.no_inherit);
  }
  if (c.type == "unique" || c.type == "primary_key") {
    const bool pk = c.type == "primary_key";
    if (pk) {
      if (!pk_name_.empty())
        return Fail(c.where, "table " + QuoteIdent(op_.name) + " would have two primary keys");
      pk_name_ = c.name;
    } else {
      unique_indexes_.push_back({c.name, c.columns});
    }
    return ddl::UniqueClause(c.name, pk, c.columns, c.nulls_not_distinct, c.include_columns,
                             c.storage_parameters, c.deferrable, c.initially_deferred);
  }
  if (c.type == "foreign_key") {
    PGPHASE_RETURN_IF_ERROR(CheckReference(c.where, c.ref_table, c.ref_columns));
    references_other_table_ |= c.ref_table != op_.name;
    return ddl::ForeignKeyClause(c.name, c.columns,
                                 {{schema_, c.ref_table},
                                  c.ref_columns,
                                  c.on_delete,
                                  c.on_update,
                                  c.match_type,
                                  c.deferrable,
                                  c.initially_deferred});
  }
  // exclude
  if (Status st = ddl::CheckExcludeElements(c.index_method, c.exclude_elements->text); !st.ok())
    return InvalidField(c.exclude_elements->where, "create_table.constraints.exclude.elements", st);
  std::optional<std::string> predicate;
  if (c.predicate) {
    PGPHASE_RETURN_IF_ERROR(CheckOwnExpression(
        *c.predicate, "create_table.constraints.exclude.predicate", op_.columns, op_.name));
    predicate = EmbedExpression(c.predicate->text);
  }
  return ddl::ExcludeClause(c.name, c.index_method, c.exclude_elements->text, c.include_columns,
                            c.storage_parameters, predicate, c.deferrable, c.initially_deferred);
}

// Makes the new table visible to later operations of the same migration.
void CreateTablePlanner::Record(const std::vector<std::string>& primary_key) {
  TableInfo t;
  t.schema = schema_;
  t.name = op_.name;
  for (const auto& c : op_.columns) {
    ColumnInfo ci;
    ci.name = c.name;
    ci.type = CatalogType(c.type);
    ci.not_null = !c.nullable || c.pk || (c.generated && c.generated->identity);
    if (c.default_value) ci.default_expr = c.default_value->text;
    ci.generated = c.generated && c.generated->expression;
    ci.identity = c.generated && c.generated->identity;
    t.columns.push_back(std::move(ci));
  }
  t.primary_key = primary_key;
  auto add_index = [&](const std::string& name, const std::vector<std::string>& cols, bool pk) {
    IndexInfo i;
    i.name = name;
    i.unique = true;
    i.primary = pk;
    i.columns = cols;
    t.indexes.push_back(i);
    ConstraintInfo ci;
    ci.name = name;
    ci.type = pk ? 'p' : 'u';
    t.constraints.push_back(ci);
    b_.working_catalog().relation_names.push_back(schema_ + "." + name);
  };
  if (!primary_key.empty())
    add_index(pk_name_.empty() ? BoundedName({op_.name, "pkey"}) : pk_name_, primary_key, true);
  for (const auto& [name, cols] : unique_indexes_) add_index(name, cols, false);
  for (const auto& name : constraint_names_) {
    if (t.FindConstraint(name) == nullptr) {
      ConstraintInfo ci;
      ci.name = name;
      t.constraints.push_back(ci);
    }
  }
  b_.working_catalog().relation_names.push_back(schema_ + "." + op_.name);
  b_.working_catalog().tables.push_back(std::move(t));
  b_.TouchTable(b_.working_catalog().tables.back());
}

Status CreateTablePlanner::Plan() {
  if (b_.catalog().FindTable(schema_, op_.name) != nullptr ||
      b_.catalog().HasRelation(schema_, op_.name)) {
    return Fail(where_, "table " + QuoteQualified(schema_, op_.name) + " already exists");
  }
  std::vector<std::string> seen;
  std::vector<std::string> column_pk;
  for (const auto& c : op_.columns) {
    if (Contains(seen, c.name))
      return Fail(c.where, "column " + QuoteIdent(c.name) + " is listed twice");
    seen.push_back(c.name);
    if (c.pk) column_pk.push_back(c.name);
  }
  std::vector<ddl::ColumnDef> columns;
  for (const auto& c : op_.columns) {
    Result<ddl::ColumnDef> d = Column(c);
    if (!d.ok()) return d.status();
    columns.push_back(std::move(*d));
  }
  std::vector<std::string> clauses;
  std::vector<std::string> primary_key = column_pk;
  for (const auto& c : op_.constraints) {
    if (c.type == "primary_key" && !column_pk.empty())
      return Fail(c.where, "table " + QuoteIdent(op_.name) +
                               " would have two primary keys (columns with pk: true and a "
                               "primary_key constraint)");
    Result<std::string> clause = Constraint(c);
    if (!clause.ok()) return clause.status();
    if (c.type == "primary_key") primary_key = c.columns;
    clauses.push_back(std::move(*clause));
  }

  const ddl::Rel table{schema_, op_.name};
  // Nobody else can see the new table; a foreign key locks the table it references.
  const Lock lock = references_other_table_ ? Lock::kShareRowExclusive : Lock::kNone;
  const std::string base = "expand.create_table." + op_.name;
  b_.Add(Phase::kExpand, base, "create table " + op_.name,
         {ddl::CreateTable(table, columns, column_pk, clauses), lock, true},
         {{ddl::DropTable(table), Lock::kAccessExclusive, true}});
  if (op_.comment) {
    b_.Add(Phase::kExpand, base + ".comment", "table comment",
           {ddl::CommentOnTable(table, op_.comment), Lock::kShareUpdateExclusive, true});
  }
  for (const auto& c : op_.columns) {
    if (!c.comment) continue;
    b_.Add(Phase::kExpand, base + "." + c.name + ".comment", "column comment",
           {ddl::CommentOnColumn(table, c.name, c.comment), Lock::kShareUpdateExclusive, true});
  }
  Record(primary_key);
  return Status::Ok();
}

TableInfo* MutableTable(PlanBuilder& b, const std::string& schema, const std::string& name) {
  for (auto& t : b.working_catalog().tables)
    if (t.schema == schema && t.name == name) return &t;
  return nullptr;
}

std::string IdentityType(char relreplident) {
  switch (relreplident) {
    case 'n':
      return "NOTHING";
    case 'f':
      return "FULL";
    case 'i':
      return "INDEX";
    default:
      return "DEFAULT";
  }
}

}  // namespace

Status PlanCreateTable(const CreateTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  return CreateTablePlanner(op, where, b).Plan();
}

Status PlanDropTable(const DropTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.spec().settings.schema;
  const TableInfo* t = b.catalog().FindTable(schema, op.name);
  if (t == nullptr)
    return Invalid(where, "drop_table",
                   "table " + QuoteQualified(schema, op.name) + " does not exist");
  // DROP TABLE at contract would fail on a foreign key from another table: say so now.
  for (const TableInfo& other : b.catalog().tables) {
    if (other.schema == schema && other.name == op.name) continue;
    for (const ConstraintInfo& c : other.constraints) {
      if (c.type != 'f') continue;
      for (const std::string& target : {op.name, QuoteIdent(op.name), schema + "." + op.name,
                                        QuoteQualified(schema, op.name)}) {
        if (c.definition.find(" REFERENCES " + target + "(") == std::string::npos) continue;
        return Invalid(
            where, "drop_table",
            fmt::format("table {} is referenced by foreign key {} of table {}: drop "
                        "that constraint first",
                        QuoteIdent(op.name), QuoteIdent(c.name), QuoteIdent(other.name)));
      }
    }
  }
  b.TouchTable(*t);
  b.MarkChanged(schema, op.name);
  b.Note(
      fmt::format("drop_table {}: the table stays in place, untouched, until contract, so the old "
                  "application keeps working; contract drops it",
                  op.name));
  b.Add(Phase::kContract, "contract.drop_table." + op.name, "drop table " + op.name,
        {ddl::DropTable({schema, op.name}), Lock::kAccessExclusive, true});
  return Status::Ok();
}

Status PlanRenameTable(const RenameTableOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.spec().settings.schema;
  const TableInfo* t = b.catalog().FindTable(schema, op.from);
  if (t == nullptr)
    return Invalid(where, "rename_table",
                   "table " + QuoteQualified(schema, op.from) + " does not exist");
  if (b.catalog().FindTable(schema, op.to) != nullptr || b.catalog().HasRelation(schema, op.to))
    return Invalid(where, "rename_table",
                   "cannot rename to " + QuoteQualified(schema, op.to) +
                       ": a table, view, index or sequence of that name already exists");
  const ddl::Rel from{schema, op.from}, to{schema, op.to};
  const std::string base = "rename_table." + op.from;
  b.TouchTable(*t);
  b.MarkChanged(schema, op.from);
  b.Add(Phase::kExpand, "expand." + base + ".view",
        fmt::format("view {} over table {}, so the new name reads and writes the table", op.to,
                    op.from),
        {ddl::CreatePassThroughView(to, from), Lock::kAccessShare, true},
        {{ddl::DropView(to), Lock::kAccessExclusive, true}});
  b.Add(Phase::kSwap, "swap." + base,
        fmt::format("rename table {} to {}; a view keeps the old name working", op.from, op.to),
        {ddl::Sequence({ddl::DropView(to), ddl::RenameTable(from, op.to),
                        ddl::CreatePassThroughView(from, to)}),
         Lock::kAccessExclusive, true},
        {{ddl::Sequence({ddl::DropView(from), ddl::RenameTable(to, op.from),
                         ddl::CreatePassThroughView(to, from)}),
          Lock::kAccessExclusive, true}});
  b.Add(Phase::kContract, "contract." + base + ".view",
        fmt::format("drop the view {} that kept the old name working", op.from),
        {ddl::DropView(from), Lock::kAccessExclusive, true});

  TableInfo renamed = *t;
  renamed.name = op.to;
  b.working_catalog().relation_names.push_back(schema + "." + op.to);
  b.working_catalog().tables.push_back(std::move(renamed));
  b.TouchTable(b.working_catalog().tables.back());
  return Status::Ok();
}

Status PlanSetReplicaIdentity(const SetReplicaIdentityOp& op, const SourceLocation& where,
                              PlanBuilder& b) {
  const std::string& schema = b.spec().settings.schema;
  TableInfo* t = MutableTable(b, schema, op.table);
  if (t == nullptr)
    return Invalid(where, "set_replica_identity",
                   "table " + QuoteQualified(schema, op.table) + " does not exist");
  if (op.type == "INDEX") {
    const IndexInfo* i = t->FindIndex(op.index);
    if (i == nullptr)
      return Invalid(where, "set_replica_identity",
                     fmt::format("index {} does not exist on table {}", QuoteIdent(op.index),
                                 QuoteIdent(op.table)));
    if (!i->unique || i->partial || !i->valid)
      return Invalid(where, "set_replica_identity",
                     fmt::format("index {} cannot be a replica identity: it must be unique, "
                                 "valid and not partial",
                                 QuoteIdent(op.index)));
    for (const auto& c : i->columns) {
      const ColumnInfo* ci = t->FindColumn(c);
      if (ci == nullptr || !ci->not_null)
        return Invalid(where, "set_replica_identity",
                       fmt::format("index {} cannot be a replica identity: column {} is nullable "
                                   "or an expression",
                                   QuoteIdent(op.index), QuoteIdent(c)));
    }
  }
  std::string previous = IdentityType(t->replica_identity);
  std::string previous_index = t->replica_identity_index;
  if (previous == "INDEX" && previous_index.empty()) previous = "DEFAULT";
  const ddl::Rel table{schema, op.table};
  b.TouchTable(*t);
  b.Add(Phase::kExpand, "expand.set_replica_identity." + op.table,
        fmt::format("replica identity of {}: {}{} (was {}{})", op.table, op.type,
                    op.index.empty() ? "" : " " + op.index, previous,
                    previous_index.empty() || previous != "INDEX" ? "" : " " + previous_index),
        {ddl::SetReplicaIdentity(table, op.type, op.index), Lock::kAccessExclusive, true},
        {{ddl::SetReplicaIdentity(table, previous, previous_index), Lock::kAccessExclusive, true}});
  t->replica_identity = op.type == "INDEX" ? 'i' : static_cast<char>(std::tolower(op.type[0]));
  t->replica_identity_index = op.index;
  return Status::Ok();
}

Status PlanSql(const SqlOp& op, const SourceLocation& where, PlanBuilder& b) {
  Result<ddl::StatementsAnalysis> up = ddl::CheckStatements(op.up.text);
  if (!up.ok()) return InvalidField(op.up.where, "sql.up", up.status());
  std::vector<Statement> reverse;
  if (op.down) {
    Result<ddl::StatementsAnalysis> down = ddl::CheckStatements(op.down->text);
    if (!down.ok()) return InvalidField(op.down->where, "sql.down", down.status());
    reverse.push_back({ddl::TrimStatements(op.down->text), Lock::kAccessExclusive, true});
  }
  // Tables the SQL names count as touched (another unfinished migration on them is a
  // conflict) and as changed (the drift check cannot expect their columns unchanged).
  for (const auto& [schema, name] : up->relations) {
    const std::string& s = schema.empty() ? b.spec().settings.schema : schema;
    if (const TableInfo* t = b.catalog().FindTable(s, name)) {
      b.TouchTable(*t);
      b.MarkChanged(t->schema, t->name);
    }
  }
  const std::string id = fmt::format("sql.{}.{}", where.line, where.column);
  // The user's SQL may lock anything: declare the strongest lock.
  Statement statement{ddl::TrimStatements(op.up.text), Lock::kAccessExclusive, true};
  if (op.on_complete) {
    b.Add(Phase::kContract, "contract." + id, "the migration's own SQL (onComplete: at contract)",
          std::move(statement));
    return Status::Ok();
  }
  std::string summary = "the migration's own SQL (reverse runs its `down`)";
  if (!op.down) {
    // Without `down`, reverse can still undo SQL that only creates named objects.
    if (auto drops = ddl::InferDropStatements(op.up.text)) {
      reverse.push_back({ddl::Sequence(*drops), Lock::kAccessExclusive, true});
      summary = "the migration's own SQL (no `down`: reverse drops what it creates)";
      b.Note(fmt::format("sql at {} has no `down`: reverse drops the objects it creates",
                         where.ToString()));
    } else {
      summary = "the migration's own SQL (no `down`: reverse cannot undo it)";
      b.Note(fmt::format("sql at {} has no `down`: reversing expand cannot undo it",
                         where.ToString()));
    }
  }
  b.Add(Phase::kExpand, "expand." + id, summary, std::move(statement), std::move(reverse));
  return Status::Ok();
}

}  // namespace pgphase
