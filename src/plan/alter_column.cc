// alter_column: any combination of name, type, nullable, default, comment, unique, check,
// references, with up/down.
//
// Direct (no shadow column, no backfill) when PostgreSQL makes every change without a
// rewrite or a long lock: rename, widening varchar, DROP NOT NULL, SET/DROP DEFAULT
// (all inside the table's swap transaction, reversed by its reverse; NOT NULL comes back
// through a validated helper check, with NULLs the new app wrote filled from `down`),
// and the comment (at contract: the catalog snapshot does not carry comments, so a
// reversible earlier change could not restore the old one).
//
// Otherwise through a shadow column `_pgphase_new_<col>` of the new shape:
//   expand   refuse if anything depends on the column; ADD COLUMN shadow; its default and
//            comment; CHECK / FK NOT VALID on it
//   sync     the table's trigger keeps shadow = up(row) on every write (pgphase owns the
//            shadow, so no value an application writes into it is kept); NOT NULL helper
//   backfill shadow = up(row) for existing rows
//   validate VALIDATE helper/check/FK, SET NOT NULL, CREATE UNIQUE INDEX CONCURRENTLY
//   swap     one transaction: refuse dependents again; <col> -> _pgphase_old_<col>,
//            shadow -> <name>; attach UNIQUE USING INDEX; DROP NOT NULL on the old column
//            when the new one is nullable; the trigger turned around so that every write
//            keeps _pgphase_old_<col> = down(row) (so reversing swap loses nothing)
//   contract drop trigger, function, helper check, then the old column
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "pgphase/ddl_column.h"
#include "plan/column_util.h"

namespace pgphase {
namespace {

using column_plan::Analyze;
using column_plan::Invalid;

const std::string kKind = "alter_column";

// Lower case, single spaces removed, common aliases spelt one way.
std::string NormalizeType(const std::string& type) {
  std::string s;
  for (char c : type)
    if (!std::isspace(static_cast<unsigned char>(c)))
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto replace_prefix = [&](const std::string& from, const std::string& to) {
    if (s.rfind(from, 0) == 0) s = to + s.substr(from.size());
  };
  replace_prefix("charactervarying", "varchar");
  replace_prefix("int4", "integer");
  replace_prefix("int8", "bigint");
  replace_prefix("int2", "smallint");
  if (s == "int") s = "integer";
  if (s == "bool") s = "boolean";
  return s;
}

// varchar(n) -> n, unbounded varchar -> 0, anything else -> -1.
long VarcharLength(const std::string& normalized) {
  if (normalized == "varchar") return 0;
  if (normalized.rfind("varchar(", 0) != 0 || normalized.back() != ')') return -1;
  try {
    return std::stol(normalized.substr(8, normalized.size() - 9));
  } catch (...) {
    return -1;
  }
}

// A change PostgreSQL makes without a rewrite or an index rebuild: varchar(n) to
// varchar(m >= n), unbounded varchar, or text.
bool IsWidening(const std::string& from, const std::string& to) {
  const long n = VarcharLength(from);
  if (n < 0) return false;
  if (to == "text") return true;
  const long m = VarcharLength(to);
  if (m < 0) return false;
  return m == 0 || (n != 0 && m >= n);
}

struct Checked {
  TableInfo* table = nullptr;
  ColumnInfo old;        // the column as it is now
  std::string new_name;  // op.name or the column's name
  std::string new_type;  // the type it will have
  bool type_changed = false;
  bool widening = false;
  bool new_not_null = false;
  bool shadow = false;
};

Status CheckConstraintNames(const AlterColumnOp& op, const TableInfo& t, PlanBuilder& b,
                            const SourceLocation& where) {
  const std::string& schema = b.spec().settings.schema;
  auto taken = [&](const std::string& name) {
    return t.FindConstraint(name) != nullptr || b.catalog().HasRelation(schema, name);
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
    const TableInfo* ref = b.catalog().FindTable(schema, r.table);
    if (ref == nullptr)
      return Invalid(where, kKind, "references: table " + QuoteIdent(r.table) + " does not exist");
    if (ref->FindColumn(r.column) == nullptr)
      return Invalid(where, kKind,
                     "references: column " + QuoteIdent(r.column) + " does not exist in table " +
                         QuoteIdent(r.table));
  }
  return Status::Ok();
}

Result<Checked> Check(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  const std::string& schema = b.spec().settings.schema;
  Checked c;
  c.table = column_plan::FindWorkingTable(b, op.table);
  if (c.table == nullptr) return column_plan::MissingTable(where, kKind, schema, op.table);
  const ColumnInfo* col = c.table->FindColumn(op.column);
  if (col == nullptr) return column_plan::MissingColumn(where, kKind, op.table, op.column);
  c.old = *col;
  c.new_name = op.name.value_or(op.column);
  if (c.new_name != op.column &&
      (c.table->FindColumn(c.new_name) != nullptr || !b.ClaimNewColumn(*c.table, c.new_name))) {
    return Invalid(where, kKind,
                   fmt::format("name: column {} already exists in table {}", QuoteIdent(c.new_name),
                               QuoteIdent(op.table)));
  }
  c.new_type = c.old.type;
  if (op.type) {
    if (Status st = CheckTypeName(*op.type); !st.ok())
      return Invalid(where, kKind, "type: " + st.message());
    const std::string from = NormalizeType(c.old.type), to = NormalizeType(*op.type);
    if (from != to) {
      c.type_changed = true;
      c.new_type = *op.type;
      c.widening = IsWidening(from, to);
    }
  }
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
  // Parsed whichever path is taken; the shadow path also checks the names they read.
  for (const auto& [expr, field] : {std::pair{&op.up, "up"}, std::pair{&op.down, "down"}}) {
    if (!*expr) continue;
    auto a = Analyze(**expr, kKind, field);
    if (!a.ok()) return a.status();
  }
  PGPHASE_RETURN_IF_ERROR(CheckConstraintNames(op, *c.table, b, where));
  c.new_not_null = op.nullable ? !*op.nullable : c.old.not_null;
  c.shadow = (c.type_changed && !c.widening) || (c.new_not_null && !c.old.not_null) ||
             op.unique_name || op.check || op.references;
  return c;
}

// --- direct changes ---

Status PlanDirect(const AlterColumnOp& op, const Checked& c, PlanBuilder& b) {
  TableInfo& t = *c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string& name = c.new_name;  // swap statements run after the rename
  if (name != op.column) b.AddSwapRename(t, op.column, name);
  if (c.widening) {
    b.AddSwapStatements(t, {ddl::SetColumnType(table, name, c.new_type)},
                        {ddl::SetColumnType(table, name, c.old.type)});
    b.Note(
        fmt::format("alter_column {}.{}: widening to {} needs no rewrite, but reversing swap "
                    "narrows it back to {}, which rewrites the table under ACCESS EXCLUSIVE "
                    "and fails if longer values were written",
                    t.name, op.column, c.new_type, c.old.type));
  }
  if (c.old.not_null && !c.new_not_null) {
    b.AddSwapStatements(t, {ddl::DropNotNull(table, name)}, {});
    std::string fill;
    if (op.down) {
      // down fills the NULLs the new app wrote, by the names the new app uses.
      std::vector<std::string> after = column_plan::ColumnNames(t);
      for (auto& n : after)
        if (n == op.column) n = name;
      auto a = Analyze(*op.down, kKind, "down");
      if (!a.ok()) return a.status();
      PGPHASE_RETURN_IF_ERROR(column_plan::CheckRefs(after, t.name, *a, *op.down, kKind, "down"));
      Result<std::string> down = name == op.column
                                     ? Result<std::string>(op.down->text)
                                     : ddl::RenameColumnRefs(op.down->text, name, op.column);
      if (!down.ok()) return Invalid(op.down->where, kKind, "down: " + down.status().message());
      fill = EmbedExpression(*down);
    }
    std::vector<Statement> restore;
    const std::string helper = BoundedName({"pgphase_nn", t.name, op.column});
    for (const auto& sql : ddl::RestoreNotNull(table, op.column, fill, helper)) {
      const bool scan = sql.find(" VALIDATE ") != std::string::npos;
      const bool update = sql.rfind("UPDATE ", 0) == 0;
      restore.push_back({sql,
                         scan     ? Lock::kShareUpdateExclusive
                         : update ? Lock::kRowExclusive
                                  : Lock::kAccessExclusive,
                         true});
    }
    b.AddSwapReverseAfter(t, std::move(restore));
  }
  if (op.set_default) {
    std::vector<std::string> fwd, rev;
    if (op.default_value) {
      fwd.push_back(ddl::SetDefault(table, name, EmbedExpression(op.default_value->text)));
    } else if (c.old.default_expr) {
      fwd.push_back(ddl::DropDefault(table, name));
    }
    if (!fwd.empty()) {
      rev.push_back(c.old.default_expr ? ddl::SetDefault(table, name, *c.old.default_expr)
                                       : ddl::DropDefault(table, name));
      b.AddSwapStatements(t, std::move(fwd), std::move(rev));
    }
  }
  if (op.set_comment) {
    b.Add(Phase::kContract, fmt::format("contract.{}.{}.comment", t.name, name),
          "set the column comment",
          {ddl::CommentOnColumn(table, name, op.comment), Lock::kShareUpdateExclusive, true});
  }
  if (name != op.column || c.widening) b.MarkChanged(t.schema, t.name, op.column);
  b.TouchTable(t);
  return Status::Ok();
}

}  // namespace

Status PlanAlterColumn(const AlterColumnOp& op, const SourceLocation& where, PlanBuilder& b) {
  Result<Checked> checked = Check(op, where, b);
  if (!checked.ok()) return checked.status();
  Checked& c = *checked;
  if (!c.shadow) {
    // Nothing is copied, so `up` has no use here; `down` only refills NULLs on reverse.
    PGPHASE_RETURN_IF_ERROR(PlanDirect(op, c, b));
  } else {
    const TableInfo* before = b.original_catalog().FindTable(c.table->schema, c.table->name);
    if (before == nullptr || before->FindColumn(op.column) == nullptr) {
      return Invalid(where, kKind,
                     fmt::format("column {} of {} is created or renamed earlier in this migration; "
                                 "changing it through a shadow column is not planned yet",
                                 QuoteIdent(op.column), QuoteIdent(op.table)));
    }
    column_plan::ShadowChange change{*before,    *c.table,       c.old,         c.new_name,
                                     c.new_type, c.type_changed, c.new_not_null};
    PGPHASE_RETURN_IF_ERROR(column_plan::PlanAlterColumnShadow(op, where, change, b));
  }
  // Later operations see the new shape.
  for (auto& col : c.table->columns) {
    if (col.name != op.column) continue;
    col.name = c.new_name;
    col.type = c.new_type;
    col.not_null = c.new_not_null;
    if (op.set_default) {
      col.default_expr.reset();
      if (op.default_value) col.default_expr = EmbedExpression(op.default_value->text);
    }
  }
  if (c.new_name != op.column) {
    for (auto& k : c.table->primary_key)
      if (k == op.column) k = c.new_name;
    for (auto& i : c.table->indexes)
      for (auto& k : i.columns)
        if (k == op.column) k = c.new_name;
  }
  return Status::Ok();
}

}  // namespace pgphase
