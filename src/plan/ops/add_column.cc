// add_column: a new column, filled for existing rows and for writes by the old app.
//
//   expand    ADD COLUMN (nullable, no volatile default; a constant default, a generated or
//             identity column and NOT NULL inline when there is nothing to backfill), SET
//             DEFAULT, CHECK / FK NOT VALID, COMMENT
//   sync      trigger filling the column from `up`; then the NOT NULL helper CHECK NOT VALID
//   backfill  existing rows from `up` (or a non-constant default)
//   validate  VALIDATE the checks and FK, SET NOT NULL, CREATE UNIQUE INDEX CONCURRENTLY
//   swap      ADD CONSTRAINT ... USING INDEX (unique or primary key)
//   contract  drop trigger, function, helper check (per table, in PlanBuilder)
// On a table created earlier in the same migration there are no rows to fill and no old app:
// ADD COLUMN in its final shape (default, NOT NULL) and no trigger; `up` is not used.
//
// A serial column (serial, bigserial, smallserial; NOT NULL) is what PostgreSQL makes of
// one, without the rewrite that ADD COLUMN with a volatile default would take under ACCESS
// EXCLUSIVE: expand creates the sequence <table>_<column>_seq, adds the integer column,
// gives it DEFAULT nextval(...) for new rows and makes the sequence OWNED BY it; the
// default is then an ordinary volatile default (backfill numbers the existing rows in key
// order, validate proves NOT NULL).
#include <fmt/format.h>

#include "pgphase/ddl_index.h"
#include "pgphase/sql.h"
#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "add_column";

struct Checked {
  const TableInfo* table = nullptr;
  std::optional<ExprAnalysis> up, def;
  ddl::ColumnDef def_sql;  // the column as ADD COLUMN writes it when nothing is backfilled
  bool not_null = false;
  // Nothing to backfill: no `up`, and the default (if any) is metadata-only or the database
  // computes the column itself (generated, identity); or the table is new in this migration.
  bool direct = false;
  bool new_table = false;  // created earlier in this migration: no rows, no old app
  std::string base;        // step ids: "<table>.<column>"
  std::string helper;      // the NOT NULL helper check's name
  bool serial = false;     // the default is nextval() of a sequence expand creates
};

bool Generated(const ColumnSpec& col) { return col.generated.has_value(); }

Status CheckExpressions(const AddColumnOp& op, Checked& c) {
  const ColumnSpec& col = op.column;
  const std::vector<std::string> columns = ColumnNames(*c.table);
  if (op.up) {
    if (Generated(col))
      return Invalid(op.up->where, kKind, "up: a generated or identity column cannot be written");
    auto a = Analyze(*op.up, kKind, "up");
    if (!a.ok()) return a.status();
    PGPHASE_RETURN_IF_ERROR(CheckExpressionColumns(columns, op.table, *a, *op.up, kKind, "up"));
    c.up = *a;
  }
  if (col.default_value) c.def = AnalyzeExpression(col.default_value->text).value();
  if (col.generated && col.generated->expression) {
    const SqlExpr& e = *col.generated->expression;
    auto a = Analyze(e, kKind, "column.generated.expression");
    if (!a.ok()) return a.status();
    PGPHASE_RETURN_IF_ERROR(
        CheckExpressionColumns(columns, op.table, *a, e, kKind, "column.generated.expression"));
  }
  return Status::Ok();
}

Status CheckConstraints(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  const TableInfo& t = *c.table;
  if (col.check) {
    auto a = Analyze(col.check->constraint, kKind, "column.check.constraint");
    if (!a.ok()) return a.status();
    if (t.FindConstraint(col.check->name) != nullptr)
      return Invalid(col.where, kKind,
                     "constraint " + QuoteIdent(col.check->name) + " already exists");
  }
  if (c.not_null && !op.up && !col.default_value && !Generated(col) && !c.new_table) {
    return Invalid(col.where, kKind,
                   fmt::format("column {} is NOT NULL but has neither `up` nor `default`: "
                               "existing rows would have no value (set nullable: true, or give "
                               "up or default)",
                               QuoteIdent(col.name)));
  }
  if (col.unique_name && (t.FindConstraint(*col.unique_name) != nullptr ||
                          b.catalog().HasRelation(b.schema(), *col.unique_name)))
    return Invalid(col.where, kKind, "unique: " + QuoteIdent(*col.unique_name) + " already exists");
  if (col.pk && !t.primary_key.empty())
    return Invalid(col.where, kKind,
                   "table " + QuoteIdent(op.table) + " already has a primary key");
  if (col.references) {
    const auto& r = *col.references;
    PGPHASE_RETURN_IF_ERROR(
        CheckReferenceTarget(col.where, kKind, b.catalog(), b.schema(), r.table, {r.column}));
    if (t.FindConstraint(r.name) != nullptr)
      return Invalid(col.where, kKind, "constraint " + QuoteIdent(r.name) + " already exists");
  }
  return Status::Ok();
}

Result<Checked> Check(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  Checked c;
  c.table = b.catalog().FindTable(b.schema(), op.table);
  if (c.table == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  if (c.table->FindColumn(col.name) != nullptr || !b.ClaimNewColumn(*c.table, col.name)) {
    return Invalid(col.where, kKind,
                   fmt::format("column {} already exists in table {}", QuoteIdent(col.name),
                               QuoteIdent(op.table)));
  }
  Result<ddl::ColumnDef> def = ColumnDefOf(col, kKind, "column");
  if (!def.ok()) return def.status();
  c.def_sql = *def;
  PGPHASE_RETURN_IF_ERROR(CheckExpressions(op, c));
  c.not_null = !col.nullable || col.pk;
  c.new_table = b.original_catalog().FindTable(c.table->schema, c.table->name) == nullptr;
  c.direct =
      c.new_table || (!op.up && (!col.default_value || c.def->is_constant || Generated(col)));
  c.base = c.table->name + "." + col.name;
  c.helper = BoundedName({"pgphase_nn", c.table->name, col.name});
  PGPHASE_RETURN_IF_ERROR(CheckConstraints(op, c, b));
  return c;
}

void Expand(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  const TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string base = "expand." + c.base;
  ddl::ColumnDef added = c.def_sql;
  if (!c.direct) {
    added.default_expr.reset();
    added.not_null = false;
  }
  b.Add(Phase::kExpand, base, "add column " + col.name + " to " + t.name,
        ddl::AddColumn(table, added), {ddl::DropColumn(table, col.name)});
  if (Generated(col)) {
    b.Note(
        fmt::format("add_column {}.{}: PostgreSQL computes a generated or identity column for "
                    "every existing row in ADD COLUMN itself, which rewrites the table under "
                    "ACCESS EXCLUSIVE",
                    t.name, col.name));
  }
  if (!c.direct && col.default_value) {
    b.Add(Phase::kExpand, base + ".default", "default for new rows only",
          ddl::SetDefault(table, col.name, *c.def_sql.default_expr));
  }
  if (col.check) {
    b.Add(Phase::kExpand, base + ".check", "check constraint, not yet validated",
          ddl::AddCheckNotValid(table, col.check->name, EmbedExpression(col.check->constraint.text),
                                col.check->no_inherit),
          {ddl::DropConstraint(table, col.check->name)});
  }
  if (col.references) {
    b.Add(Phase::kExpand, base + ".foreign_key", "foreign key, not yet validated",
          ddl::AddForeignKeyNotValid(table, ForeignKeyOf(*col.references, col.name, t.schema)),
          {ddl::DropConstraint(table, col.references->name)});
  }
  if (col.comment) {
    b.Add(Phase::kExpand, base + ".comment", "column comment",
          ddl::CommentOnColumn(table, col.name, col.comment));
  }
}

void Sync(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  if (c.new_table && op.up) {
    b.Note(
        fmt::format("add_column {}.{}: `up` is not used: table {} is created by this "
                    "migration, so it has no rows to fill",
                    c.table->name, op.column.name, c.table->name));
  }
  if (c.direct) return;
  const TableInfo& t = *c.table;
  const SqlExpr& source = op.up ? *op.up : *op.column.default_value;
  const ExprAnalysis& analysis = op.up ? *c.up : *c.def;
  ddl::Fill fill{op.column.name, EmbedExpression(source.text), SourcesIn(ColumnNames(t), analysis),
                 c.not_null};
  fill.guard = MayRaise(source.text, ColumnTypesOf(t), op.column.type);
  fill.writer_schema = b.WriterSchema();
  // Without `up`, the (volatile) default already fills rows the old app inserts.
  ColumnSync sync;
  sync.fill = std::move(fill);
  sync.trigger = op.up.has_value();
  sync.probe = !c.serial;
  b.Sync(t, std::move(sync));
  if (op.up) {
    b.Note(fmt::format(
        "add_column {}.{}: not verified at validate: the new application may write the column "
        "from sync on, so `up` is not the truth for it",
        t.name, op.column.name));
  }
}

void Validate(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  const TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string base = "validate." + c.base;
  if (c.not_null && !c.direct) AddNotNullProof(b, t, col.name, c.helper, c.base);
  if (col.check) {
    b.Add(Phase::kValidate, base + ".check", "validate the check constraint",
          ddl::ValidateConstraint(table, col.check->name));
  }
  if (col.references) {
    b.Add(Phase::kValidate, base + ".foreign_key", "validate the foreign key",
          ddl::ValidateConstraint(table, col.references->name));
  }
}

// The index (and constraint) a unique or primary key column gets.
std::string UniqueIndexName(const std::string& table, const ColumnSpec& col) {
  if (col.pk) return BoundedName({table, "pkey"});
  return col.unique_name.value_or(BoundedName({table, col.name, "key"}));
}

// The unique index is built in validate, after the backfill; swap attaches it.
void UniqueOrPk(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  if (!col.unique && !col.pk) return;
  const TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string index = UniqueIndexName(t.name, col);
  const ddl::IndexDef def = ddl::PlainIndex(index, {col.name}, /*unique=*/true);
  b.AddStep(Phase::kValidate,
            IndexBuildStep("validate." + c.base + ".unique_index",
                           "build the unique index without blocking writes", t, def));
  b.Add(Phase::kSwap, "swap." + c.base + (col.pk ? ".primary_key" : ".unique"),
        col.pk ? "make the index the primary key" : "attach the index as a unique constraint",
        ddl::AddConstraintUsingIndex(table, index, col.pk, index),
        // Back to validate's state: the index without the constraint. IF NOT EXISTS lets an
        // interrupted reverse be run again.
        {ddl::DropConstraint(table, index),
         ddl::CreateIndexConcurrently(table, def, /*if_not_exists=*/true)});
}

// Later operations of the same migration see the column (and its constraints) as the
// plan leaves it after contract.
void Record(const AddColumnOp& op, const Checked& c, PlanBuilder& b) {
  TableInfo* t = b.MutableTable(op.table);
  const ColumnSpec& col = op.column;
  ColumnInfo info;
  info.name = col.name;
  info.type = col.type;
  info.not_null = c.not_null;
  if (col.default_value) info.default_expr = col.default_value->text;
  info.generated = col.generated && col.generated->expression;
  info.identity = col.generated && col.generated->identity;
  t->columns.push_back(info);
  if (col.check) RecordConstraint(*t, col.check->name, 'c', {col.name});
  if (col.references)
    RecordConstraint(*t, col.references->name, 'f', {col.name}, col.references->table);
  if (col.unique || col.pk) {
    const std::string index = UniqueIndexName(t->name, col);
    // Built in validate, after the backfill: never a keyset key for this plan's backfill.
    RecordIndex(b, *t, ddl::PlainIndex(index, {col.name}, true), col.pk, /*valid=*/false);
    RecordConstraint(*t, index, col.pk ? 'p' : 'u', {col.name});
  }
}

// The integer type of a serial type ("bigint" for bigserial), "" for any other type.
std::string SerialBase(const std::string& type) {
  std::string t;
  for (char ch : type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t == "serial" || t == "serial4") return "integer";
  if (t == "bigserial" || t == "serial8") return "bigint";
  if (t == "smallserial" || t == "serial2") return "smallint";
  return "";
}

// A serial column: its sequence, and the column as an integer one with a nextval default.
struct Serial {
  ddl::Rel sequence;
  AddColumnOp op;
};

Result<std::optional<Serial>> ResolveSerial(const AddColumnOp& op, PlanBuilder& b) {
  const ColumnSpec& col = op.column;
  const std::string base = SerialBase(col.type);
  if (base.empty()) return std::optional<Serial>();
  if (col.default_value)
    return Invalid(col.default_value->where, kKind,
                   "column.default: a serial column takes its default from its sequence");
  if (col.generated)
    return Invalid(col.where, kKind, "column.generated: a serial column cannot be generated");
  Serial s{{b.schema(), BoundedName({op.table, col.name, "seq"})}, op};
  if (b.catalog().HasRelation(s.sequence.schema, s.sequence.name))
    return Invalid(col.where, kKind,
                   fmt::format("a relation named {} already exists (the serial column's "
                               "sequence takes its name)",
                               QuoteIdent(s.sequence.name)));
  s.op.column.type = base;
  s.op.column.nullable = false;
  s.op.column.default_value =
      SqlExpr{fmt::format("nextval({}::regclass)", QuoteLiteral(s.sequence.Quoted())), col.where};
  return std::optional<Serial>(std::move(s));
}

Status PlanColumn(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b,
                  const std::optional<Serial>& serial) {
  Result<Checked> checked = Check(op, where, b);
  if (!checked.ok()) return checked.status();
  Checked& c = *checked;
  c.serial = serial.has_value();
  b.TouchTable(*c.table);
  const ddl::Rel table{c.table->schema, c.table->name};
  if (serial) {
    b.Add(Phase::kExpand, "expand." + c.base + ".sequence",
          "create the sequence of serial column " + op.column.name,
          ddl::CreateSequence(serial->sequence, op.column.type),
          {ddl::DropSequence(serial->sequence)});
    b.working_catalog().relation_names.push_back(serial->sequence.schema + "." +
                                                 serial->sequence.name);
  }
  Expand(op, c, b);
  if (serial) {
    b.Add(Phase::kExpand, "expand." + c.base + ".sequence_owner",
          "the sequence belongs to the column (and goes with it)",
          ddl::SequenceOwnedBy(serial->sequence, table, op.column.name),
          {ddl::SequenceOwnedBy(serial->sequence, table, "")});
  }
  Sync(op, c, b);
  Validate(op, c, b);
  UniqueOrPk(op, c, b);
  Record(op, c, b);
  return Status::Ok();
}

}  // namespace

Status PlanOperation(const AddColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  Result<std::optional<Serial>> serial = ResolveSerial(op, b);
  if (!serial.ok()) return serial.status();
  return PlanColumn(*serial ? (*serial)->op : op, where, b, *serial);
}

}  // namespace pgphase
