// alter_column: any combination of name, type, nullable, default, comment, unique, check,
// references, with up/down.
//
// Direct (no shadow column, no backfill) when PostgreSQL makes every change without a
// rewrite or a long lock: rename, widening varchar, DROP NOT NULL, SET/DROP DEFAULT (all
// inside the table's swap transaction, reversed by its reverse; NOT NULL comes back through
// a validated helper check, with NULLs the new app wrote filled from `down`), and the
// comment (at contract: the catalog snapshot does not carry comments, so a reversible
// earlier change could not restore the old one).
//
//   swap      in the table's transaction: RENAME COLUMN, ALTER TYPE (widening), DROP NOT
//             NULL, SET / DROP DEFAULT
//   contract  COMMENT ON COLUMN
//
// Otherwise through a shadow column of the new shape (alter_column_shadow.cc has its phase
// table).
#include "plan/ops/alter_column.h"

#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "pgphase/ddl_version.h"
#include "plan/check.h"
#include "plan/ops.h"
#include "plan/steps.h"

namespace pgphase {
namespace {

constexpr std::string_view kKind = "alter_column";

Status CheckConstraintNames(const AlterColumnOp& op, const TableInfo& t, PlanBuilder& b,
                            const SourceLocation& where) {
  auto taken = [&](const std::string& name) {
    return t.FindConstraint(name) != nullptr || b.catalog().HasRelation(b.schema(), name);
  };
  if (op.unique_name && taken(*op.unique_name))
    return Invalid(where, kKind, "unique: " + QuoteIdent(*op.unique_name) + " already exists");
  if (op.check && taken(op.check->name))
    return Invalid(where, kKind,
                   "check: constraint " + QuoteIdent(op.check->name) + " already exists");
  if (op.references) {
    const auto& r = *op.references;
    if (taken(r.name))
      return Invalid(where, kKind,
                     "references: constraint " + QuoteIdent(r.name) + " already exists");
    PGPHASE_RETURN_IF_ERROR(
        CheckReferenceTarget(where, kKind, b.catalog(), b.schema(), r.table, {r.column}));
  }
  return Status::Ok();
}

// The default, check, `up` and `down` parse (whichever path is taken; the shadow path also
// checks the names they read).
Status CheckExpressions(const AlterColumnOp& op) {
  if (op.default_value) {
    auto a = Analyze(*op.default_value, kKind, "default");
    if (!a.ok()) return a.status();
    if (!a->column_refs.empty())
      return Invalid(op.default_value->where, kKind, "default: a default cannot refer to columns");
  }
  if (op.check) {
    auto a = Analyze(op.check->constraint, kKind, "check.constraint");
    if (!a.ok()) return a.status();
  }
  for (const auto& [expr, field] : {std::pair{&op.up, "up"}, std::pair{&op.down, "down"}}) {
    if (!*expr) continue;
    auto a = Analyze(**expr, kKind, field);
    if (!a.ok()) return a.status();
  }
  return Status::Ok();
}

Status CheckType(const AlterColumnOp& op, const SourceLocation& where, AlterColumnChange& c) {
  c.new_type = c.old.type;
  if (!op.type) return Status::Ok();
  if (Status st = CheckTypeName(*op.type); !st.ok())
    return Invalid(where, kKind, "type: " + st.message());
  const std::string from = CanonicalType(c.old.type), to = CanonicalType(*op.type);
  if (from != to) {
    c.type_changed = true;
    c.new_type = *op.type;
    c.widening = IsWideningType(from, to);
  }
  return Status::Ok();
}

Result<AlterColumnChange> Check(const AlterColumnOp& op, const SourceLocation& where,
                                PlanBuilder& b, std::string_view kind) {
  AlterColumnChange c;
  c.table = b.MutableTable(op.table);
  if (c.table == nullptr) return MissingTable(where, kKind, "", b.schema(), op.table);
  const ColumnInfo* col = c.table->FindColumn(op.column);
  if (col == nullptr) return MissingColumn(where, kKind, "", op.table, op.column);
  c.old = *col;
  c.new_name = op.name.value_or(op.column);
  if (c.new_name != op.column &&
      (c.table->FindColumn(c.new_name) != nullptr || !b.ClaimNewColumn(*c.table, c.new_name))) {
    return Invalid(
        where, kind,
        fmt::format("{}column {} already exists in table {}", kind == kKind ? "name: " : "",
                    QuoteIdent(c.new_name), QuoteIdent(op.table)));
  }
  PGPHASE_RETURN_IF_ERROR(CheckType(op, where, c));
  PGPHASE_RETURN_IF_ERROR(CheckExpressions(op));
  PGPHASE_RETURN_IF_ERROR(CheckConstraintNames(op, *c.table, b, where));
  if (op.nullable && !*op.nullable && c.old.not_null) {
    // pgroll refuses it too: `up` would be written for NULLs the column cannot have.
    return Invalid(
        where, kind,
        fmt::format("nullable: false, but column {} is already NOT NULL", QuoteIdent(op.column)));
  }
  c.new_not_null = op.nullable ? !*op.nullable : c.old.not_null;
  // With version schemas the old version's view keeps the old column, so even a type change
  // PostgreSQL could make in place (which a view on the column would block) gets a new column.
  c.shadow = (c.type_changed && (!c.widening || b.version_schemas())) ||
             (c.new_not_null && !c.old.not_null) || op.unique_name || op.check || op.references;
  c.pair_for_up_down = b.version_schemas() && !c.shadow && (op.up || op.down);
  return c;
}

// --- direct changes ---

// `down` by the names the new app uses, for the NULLs it wrote once NOT NULL comes back on
// reverse; "" without `down`.
Result<std::string> DownFill(const AlterColumnOp& op, const AlterColumnChange& c) {
  if (!op.down) return std::string();
  std::vector<std::string> after = ColumnNames(*c.table);
  for (auto& n : after)
    if (n == op.column) n = c.new_name;
  auto a = Analyze(*op.down, kKind, "down");
  if (!a.ok()) return a.status();
  PGPHASE_RETURN_IF_ERROR(
      CheckExpressionColumns(after, c.table->name, *a, *op.down, kKind, "down"));
  Result<std::string> down = c.new_name == op.column
                                 ? Result<std::string>(op.down->text)
                                 : ddl::RenameColumnRefs(op.down->text, c.new_name, op.column);
  if (!down.ok()) return Invalid(op.down->where, kKind, "down: " + down.status().message());
  return EmbedExpression(*down);
}

Status DirectNullability(const AlterColumnOp& op, const AlterColumnChange& c, SwapChange& swap) {
  if (!c.old.not_null || c.new_not_null) return Status::Ok();
  const ddl::Rel table{c.table->schema, c.table->name};
  swap.forward.push_back(ddl::DropNotNull(table, c.new_name));
  Result<std::string> fill = DownFill(op, c);
  if (!fill.ok()) return fill.status();
  const std::string helper = BoundedName({"pgphase_nn", c.table->name, op.column});
  for (Statement& s : ddl::RestoreNotNull(table, op.column, *fill, helper))
    swap.after_reverse.push_back(std::move(s));
  return Status::Ok();
}

void DirectDefault(const AlterColumnOp& op, const AlterColumnChange& c, SwapChange& swap) {
  if (!op.set_default) return;
  const ddl::Rel table{c.table->schema, c.table->name};
  const std::string& name = c.new_name;  // swap statements run after the rename
  if (op.default_value) {
    swap.forward.push_back(ddl::SetDefault(table, name, EmbedExpression(op.default_value->text)));
  } else if (c.old.default_expr) {
    swap.forward.push_back(ddl::DropDefault(table, name));
  } else {
    return;
  }
  swap.reverse.push_back(c.old.default_expr ? ddl::SetDefault(table, name, *c.old.default_expr)
                                            : ddl::DropDefault(table, name));
}

Status PlanDirect(const AlterColumnOp& op, const SourceLocation& where, const AlterColumnChange& c,
                  PlanBuilder& b) {
  TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string& name = c.new_name;  // swap statements run after the rename
  if (name != op.column) b.Swap(t, {{}, {{op.column, name}}, {}, {}, {}});
  if (c.widening) {
    if (std::string deps = DependentsOfKind(c.old, kViewsAndRules); !deps.empty()) {
      return Invalid(
          where, kKind,
          fmt::format("type: {} use{} column {}, and PostgreSQL cannot change the type "
                      "of a column a view, rule or policy uses: drop or change {} first",
                      deps, deps.find(", ") == std::string::npos ? "s" : "", QuoteIdent(op.column),
                      deps.find(", ") == std::string::npos ? "it" : "them"));
    }
    b.Swap(t, {{},
               {},
               {ddl::SetColumnType(table, name, c.new_type, /*rewrites=*/false)},
               {ddl::SetColumnType(table, name, c.old.type, /*rewrites=*/true)},
               {}});
    b.Note(
        fmt::format("alter_column {}.{}: widening to {} needs no rewrite, but reversing swap "
                    "narrows it back to {}, which rewrites the table under ACCESS EXCLUSIVE "
                    "and fails if longer values were written",
                    t.name, op.column, c.new_type, c.old.type));
  }
  SwapChange nullability;
  PGPHASE_RETURN_IF_ERROR(DirectNullability(op, c, nullability));
  b.Swap(t, std::move(nullability));
  SwapChange defaults;
  DirectDefault(op, c, defaults);
  if (const std::string& old_version = b.options().previous_version_schema;
      !defaults.forward.empty() && b.version_schemas() && !old_version.empty()) {
    // The old version keeps the old default: its view takes it as its own.
    const ddl::Rel view{old_version, t.name};
    defaults.forward.push_back(
        ddl::SetViewDefault(view, op.column, c.old.default_expr, c.old.type));
    defaults.reverse.push_back(ddl::DropViewDefault(view, op.column));
  }
  b.Swap(t, std::move(defaults));
  if (op.set_comment) {
    b.Add(Phase::kContract, fmt::format("contract.{}.{}.comment", t.name, name),
          "set the column comment", ddl::CommentOnColumn(table, name, op.comment));
  }
  if (name != op.column || c.widening) b.MarkChanged(t.schema, t.name, op.column);
  b.TouchTable(t);
  return Status::Ok();
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether dependent `d` (a pg_describe_object text) is one of `names`: a sequence, or a foreign
// key of another table ("constraint <name> on table <table>").
bool IsReferencing(const std::string& d, const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (d == "sequence " + n || (d.rfind("sequence ", 0) == 0 && d.size() > n.size() &&
                                 d.compare(d.size() - n.size() - 1, n.size() + 1, "." + n) == 0))
      return true;
    if (d.rfind("constraint " + n + " on ", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string WhatStaysOnTheOldColumn(const AlterColumnChange& c, const std::string& column,
                                    bool checks_carried) {
  for (const auto& k : c.table->constraints) {
    const IndexInfo* index = c.before->FindIndex(k.name);
    const bool carried =
        ((k.type == 'u' || k.type == 'p') && index != nullptr && index->plain && !index->partial) ||
        (k.type == 'c' && checks_carried && c.before->FindConstraint(k.name) != nullptr) ||
        Contains(c.carried_constraints, k.name) || Contains(c.dropped, k.name);
    if (Contains(k.columns, column) && !carried)
      return fmt::format("constraint {} ({}) is on it", k.name, k.definition);
  }
  for (const auto& i : c.table->indexes) {
    if (Contains(i.columns, column) && c.before->FindIndex(i.name) == nullptr)
      return fmt::format(
          "index {}, which an earlier operation of this migration creates (give "
          "it after this one), is on it",
          i.name);
  }
  const ColumnInfo* col = c.before->FindColumn(column);
  if (col == nullptr) return "";
  std::vector<std::string> left;
  for (const std::string& d : col->dependents)
    if (!IsReferencing(d, c.referencing)) left.push_back(d);
  if (left.empty()) return "";
  return fmt::format("{} depend{} on it", fmt::join(left, ", "), left.size() == 1 ? "s" : "");
}

std::string WhyNoColumnPair(const AlterColumnChange& c, const std::string& column) {
  const TableInfo* before = c.before;
  if (before == nullptr || before->FindColumn(column) == nullptr)
    return "it is created or renamed earlier in this migration";
  const ColumnInfo& col = *before->FindColumn(column);
  if (col.generated || col.identity) return "it is generated or an identity column";
  if (Contains(before->primary_key, column)) return "it is part of the primary key";
  for (const auto& i : before->indexes) {
    if (!Contains(i.columns, column) || (!i.primary && !i.partial && i.valid && i.plain)) continue;
    return fmt::format("index {} ({}) cannot be rebuilt on a new column", i.name, i.definition);
  }
  if (std::string why = WhatStaysOnTheOldColumn(c, column); !why.empty()) return why;
  if (before->partitioned && before->primary_key.empty())
    return "the partitioned table has no primary key to backfill the new column by";
  return "";
}

namespace {

// A rename goes through a column pair when it can (both names live from sync until
// contract); otherwise at swap, as the direct path or the shadow path rename, with a note.
// With version schemas each version's view gives the column its own name, so a rename alone
// happens at swap, and it is a change through a new column that goes through a pair, under
// the same name too: the two versions write their own columns from swap until contract.
void ChooseRename(const AlterColumnOp& op, AlterColumnChange& c, PlanBuilder& b,
                  std::string_view kind) {
  const bool renamed = c.new_name != op.column;
  if (b.version_schemas() ? !c.shadow && !c.pair_for_up_down : !renamed) return;
  c.before = b.original_catalog().FindTable(c.table->schema, c.table->name);
  const std::string why = WhyNoColumnPair(c, op.column);
  if (why.empty()) {
    c.pair = c.shadow = true;
    return;
  }
  if (c.pair_for_up_down) {
    b.Note(
        fmt::format("{} {}.{}: changed in place at swap, not through a column pair ({}), so "
                    "`up` and `down` are not applied and both versions see the change",
                    kind, c.table->name, op.column, why));
    return;
  }
  if (!renamed) return;  // the shadow path notes that the old application stops at swap
  b.Note(fmt::format(
      "{} {}.{} -> {}: renamed at swap, not through a column pair ({}): the old application "
      "works until swap and the new one from swap on, so stop the old one at swap",
      kind, c.table->name, op.column, c.new_name, why));
}

// Later operations see the new shape.
void Record(const AlterColumnOp& op, const AlterColumnChange& c) {
  for (auto& col : c.table->columns) {
    if (col.name != op.column) continue;
    col.type = c.new_type;
    col.not_null = c.new_not_null;
    if (op.set_default) {
      col.default_expr.reset();
      if (op.default_value) col.default_expr = EmbedExpression(op.default_value->text);
    }
  }
  if (c.new_name != op.column) RenameInCatalog(*c.table, op.column, c.new_name);
}

}  // namespace

Status PlanOperation(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  return PlanAlterColumn(op, where, b, kKind);
}

Status PlanAlterColumn(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b,
                       std::string_view kind, const std::vector<std::string>& carried_constraints) {
  Result<AlterColumnChange> checked = Check(op, where, b, kind);
  if (!checked.ok()) return checked.status();
  AlterColumnChange& c = *checked;
  c.carried_constraints = carried_constraints;
  if (b.original_catalog().FindTable(c.table->schema, c.table->name) == nullptr) {
    PGPHASE_RETURN_IF_ERROR(PlanAlterColumnOnNewTable(op, c, b));
    Record(op, c);
    return Status::Ok();
  }
  ChooseRename(op, c, b, kind);
  if (!c.shadow) {
    // Nothing is copied, so `up` has no use here; `down` only refills NULLs on reverse.
    PGPHASE_RETURN_IF_ERROR(PlanDirect(op, where, c, b));
  } else {
    c.before = b.original_catalog().FindTable(c.table->schema, c.table->name);
    if (c.before == nullptr || c.before->FindColumn(op.column) == nullptr) {
      return Invalid(where, kKind,
                     fmt::format("column {} of {} is created or renamed earlier in this migration; "
                                 "changing it through a shadow column is not planned yet (give "
                                 "the change in the operation that creates or renames it)",
                                 QuoteIdent(op.column), QuoteIdent(op.table)));
    }
    PGPHASE_RETURN_IF_ERROR(IsReferencedKeyChange(c, b) ? PlanReferencedKeyChange(op, where, c, b)
                                                        : PlanAlterColumnShadow(op, where, c, b));
  }
  Record(op, c);
  return Status::Ok();
}

}  // namespace pgphase
