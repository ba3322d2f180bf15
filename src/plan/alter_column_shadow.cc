// alter_column through a shadow column (see the phase table in alter_column.cc).
//
// Which side wrote: before swap only pgphase writes the shadow, after swap only pgphase
// writes the old column, so the trigger never has to guess from the row. Every write
// recomputes the pgphase-owned side from the application's side (Fill::Mode::kOwned):
// a statement that sets both keeps the application's column and recomputes the other;
// NULL is an ordinary value (never read as "omitted"); a default on the owned column is
// overwritten on INSERT, so it cannot hide anything.
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "pgphase/ddl_index.h"
#include "plan/column_util.h"

namespace pgphase::column_plan {
namespace {

const std::string kKind = "alter_column";

// An index on the column that the swap moves to the new column: rebuilt on the shadow
// in validate under a temporary name, then the names exchanged at swap (a unique
// constraint's through RENAME CONSTRAINT and USING INDEX).
struct CarriedIndex {
  std::string name, tmp, old;
  std::vector<std::string> columns;  // with the shadow in place of the column
  bool unique = false;
  bool constraint = false;
};

// True when `idx` is "... USING btree (a, b)" over plain columns and nothing else.
bool PlainBtree(const IndexInfo& idx) {
  const std::string marker = " USING btree (";
  const size_t at = idx.definition.find(marker);
  if (at == std::string::npos || idx.definition.back() != ')') return false;
  const std::string list =
      idx.definition.substr(at + marker.size(), idx.definition.size() - at - marker.size() - 1);
  std::vector<std::string> names;
  size_t from = 0;
  for (;;) {
    const size_t comma = list.find(", ", from);
    std::string n =
        list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
    names.push_back(n);
    if (comma == std::string::npos) break;
    from = comma + 2;
  }
  return names == idx.columns;
}

Result<std::vector<CarriedIndex>> IndexesToCarry(const TableInfo& t, const std::string& column,
                                                 const std::string& shadow,
                                                 const SourceLocation& where) {
  std::vector<CarriedIndex> out;
  for (const auto& i : t.indexes) {
    if (std::find(i.columns.begin(), i.columns.end(), column) == i.columns.end()) continue;
    if (i.primary || i.partial || !i.valid || !PlainBtree(i)) {
      return Invalid(where, kKind,
                     fmt::format("column {} is used by index {} ({}), which pgphase cannot move "
                                 "to a new column yet (only plain btree indexes over columns); "
                                 "drop or recreate the index in a separate migration",
                                 QuoteIdent(column), QuoteIdent(i.name), i.definition));
    }
    CarriedIndex c;
    c.name = i.name;
    c.tmp = BoundedName({"_pgphase_new", i.name});
    c.old = BoundedName({"_pgphase_old", i.name});
    for (const auto& k : i.columns) c.columns.push_back(k == column ? shadow : k);
    c.unique = i.unique;
    const ConstraintInfo* con = t.FindConstraint(i.name);
    c.constraint = con != nullptr && con->type == 'u';
    out.push_back(std::move(c));
  }
  return out;
}

void PlanCarriedIndex(const CarriedIndex& c, const TableInfo& t, const std::string& base,
                      PlanBuilder& b);

Step NonTransactional(std::string id, std::string summary, Statement st, std::string done_check,
                      std::vector<Statement> cleanup, std::vector<Statement> reverse) {
  Step s;
  s.id = std::move(id);
  s.summary = std::move(summary);
  s.statement = std::move(st);
  s.done_check = std::move(done_check);
  s.cleanup = std::move(cleanup);
  s.reverse = std::move(reverse);
  return s;
}

}  // namespace

Status PlanAlterColumnShadow(const AlterColumnOp& op, const SourceLocation& where,
                             const ShadowChange& c, PlanBuilder& b) {
  TableInfo& t = c.table;
  const ddl::Rel table{t.schema, t.name};
  const std::string& col = op.column;
  const std::string shadow = BoundedName({"_pgphase_new", col});
  const std::string old_away = BoundedName({"_pgphase_old", col});
  const std::string base = t.name + "." + col;
  if (c.old.generated || c.old.identity)
    return Invalid(where, kKind,
                   fmt::format("column {} is generated or an identity; changing it through a "
                               "new column is not planned yet",
                               QuoteIdent(col)));
  if (c.before.FindColumn(shadow) || c.before.FindColumn(old_away) ||
      !b.ClaimNewColumn(t, shadow)) {
    return Invalid(where, kKind,
                   fmt::format("column {} is already being changed (by this migration or an "
                               "unfinished one: {} exists)",
                               QuoteIdent(col), QuoteIdent(shadow)));
  }
  auto carried = IndexesToCarry(c.before, col, shadow, where);
  if (!carried.ok()) return carried.status();
  std::vector<std::string> carried_names;
  for (const auto& ci : *carried) carried_names.push_back(ci.name);

  // up: the old row -> the new column, by the names the old app uses.
  const std::vector<std::string> before_cols = ColumnNames(c.before);
  const SqlExpr up =
      op.up ? *op.up
            : SqlExpr{c.type_changed ? fmt::format("CAST({} AS {})", QuoteIdent(col), c.new_type)
                                     : QuoteIdent(col),
                      where};
  auto up_a = Analyze(up, kKind, "up");
  if (!up_a.ok()) return up_a.status();
  PGPHASE_RETURN_IF_ERROR(CheckRefs(before_cols, t.name, *up_a, up, kKind, "up"));
  // down: the new row -> the old column, by the names the new app uses.
  std::vector<std::string> after_cols = before_cols;
  for (auto& n : after_cols)
    if (n == col) n = c.new_name;
  const SqlExpr own_value{c.type_changed
                              ? fmt::format("CAST({} AS {})", QuoteIdent(c.new_name), c.old.type)
                              : QuoteIdent(c.new_name),
                          where};
  SqlExpr down = op.down ? *op.down : own_value;
  auto down_a = Analyze(down, kKind, "down");
  if (!down_a.ok()) return down_a.status();
  if (Status refs = CheckRefs(after_cols, t.name, *down_a, down, kKind, "down"); !refs.ok()) {
    // pgroll accepts such a `down` (its trigger would fail on the first new-app write
    // after the switch). Refusing would also refuse pgroll's own example 35; running it
    // would break every new-app write after swap. So: keep the old column in step with
    // the column's own value, and say so where reviewers and operators look.
    b.Note(refs.message() +
           "; `down` cannot run, so after swap the old column receives the "
           "new column's own value (" +
           own_value.text +
           ") instead: fix `down` if you meant "
           "something else");
    down = own_value;
    down_a = Analyze(down, kKind, "down");
    if (!down_a.ok()) return down_a.status();
  }
  std::string check_sql;
  if (op.check) {
    // Written against the column's name; the constraint is created on the shadow.
    Result<std::string> r = ddl::RenameColumnRefs(op.check->constraint.text, c.new_name, shadow);
    if (r.ok() && c.new_name != col) r = ddl::RenameColumnRefs(*r, col, shadow);
    if (!r.ok())
      return Invalid(op.check->constraint.where, kKind, "check: " + r.status().message());
    check_sql = EmbedExpression(*r);
  }

  // expand
  b.Add(Phase::kExpand, "expand." + base + ".dependents",
        "refuse if an index, constraint, view or other object depends on the column",
        {ddl::RefuseDependents(table, col, {}, carried_names), Lock::kAccessShare, true});
  b.Add(Phase::kExpand, "expand." + base + ".shadow",
        fmt::format("add shadow column {} ({})", shadow, c.new_type),
        {ddl::AddColumn(table, shadow, c.new_type, std::nullopt, false), Lock::kAccessExclusive,
         true},
        {{ddl::DropColumn(table, shadow), Lock::kAccessExclusive, true}});
  std::optional<std::string> shadow_default;
  if (op.set_default) {
    if (op.default_value) shadow_default = EmbedExpression(op.default_value->text);
  } else if (c.old.default_expr && !c.type_changed) {
    shadow_default = *c.old.default_expr;
  } else if (c.old.default_expr) {
    b.Note(
        fmt::format("alter_column {}.{}: the default ({}) is not carried over to type {}; "
                    "give `default:` to keep one",
                    t.name, col, *c.old.default_expr, c.new_type));
  }
  if (shadow_default) {
    b.Add(Phase::kExpand, "expand." + base + ".default", "default of the new column",
          {ddl::SetDefault(table, shadow, *shadow_default), Lock::kAccessExclusive, true});
  }
  if (op.set_comment && op.comment) {
    b.Add(Phase::kExpand, "expand." + base + ".comment", "comment of the new column",
          {ddl::CommentOnColumn(table, shadow, op.comment), Lock::kShareUpdateExclusive, true});
  } else if (!op.set_comment) {
    b.Add(Phase::kExpand, "expand." + base + ".comment", "carry the comment over",
          {ddl::CopyColumnComment(table, col, shadow), Lock::kShareUpdateExclusive, true});
  }
  if (op.check) {
    b.Add(Phase::kExpand, "expand." + base + ".check", "check constraint, not yet validated",
          {ddl::AddCheckNotValid(table, op.check->name, check_sql), Lock::kAccessExclusive, true},
          {{ddl::DropConstraint(table, op.check->name), Lock::kAccessExclusive, true}});
  }
  if (op.references) {
    const auto& r = *op.references;
    b.Add(Phase::kExpand, "expand." + base + ".foreign_key", "foreign key, not yet validated",
          {ddl::AddForeignKeyNotValid(table, r.name, shadow, {t.schema, r.table}, r.column,
                                      r.on_delete),
           Lock::kShareRowExclusive, true},
          {{ddl::DropConstraint(table, r.name), Lock::kAccessExclusive, true}});
  }

  // sync and backfill: shadow = up(row) until swap, then old = down(row).
  ddl::Fill fill_up{shadow, EmbedExpression(up.text), SourcesIn(before_cols, *up_a),
                    c.new_not_null};
  fill_up.mode = ddl::Fill::Mode::kOwned;
  ddl::Fill fill_down{old_away, EmbedExpression(down.text), SourcesIn(after_cols, *down_a)};
  fill_down.mode = ddl::Fill::Mode::kOwned;
  b.AddSwappedFill(t, std::move(fill_up), std::move(fill_down));

  // validate
  if (c.new_not_null) {
    const std::string helper = BoundedName({"pgphase_nn", t.name, col});
    b.AddNotNullHelper(t, shadow, helper);
    b.Add(Phase::kValidate, "validate." + base + ".not_null_check",
          "prove no row is NULL, without blocking writes",
          {ddl::ValidateConstraint(table, helper), Lock::kShareUpdateExclusive, true});
    b.Add(Phase::kValidate, "validate." + base + ".set_not_null",
          "SET NOT NULL (no scan: the validated check proves it)",
          {ddl::SetNotNull(table, shadow), Lock::kAccessExclusive, true},
          {{ddl::DropNotNull(table, shadow), Lock::kAccessExclusive, true}});
  }
  if (op.check) {
    b.Add(Phase::kValidate, "validate." + base + ".check", "validate the check constraint",
          {ddl::ValidateConstraint(table, op.check->name), Lock::kShareUpdateExclusive, true});
  }
  if (op.references) {
    b.Add(Phase::kValidate, "validate." + base + ".foreign_key", "validate the foreign key",
          {ddl::ValidateConstraint(table, op.references->name), Lock::kShareRowExclusive, true});
  }
  if (op.unique_name) {
    const std::string& index = *op.unique_name;
    const ddl::Rel index_rel{t.schema, index};
    const Statement drop{ddl::DropIndexConcurrently(index_rel), Lock::kShareUpdateExclusive, false};
    b.AddStep(Phase::kValidate,
              NonTransactional("validate." + base + ".unique_index",
                               "build the unique index on the new column without blocking writes",
                               {ddl::CreateUniqueIndexConcurrently(table, index, {shadow}),
                                Lock::kShareUpdateExclusive, false},
                               ddl::IndexIsValidQuery(index_rel), {drop}, {drop}));
    b.AddSwapStatements(t, {ddl::AddConstraintUsingIndex(table, index, false, index)},
                        {ddl::DropConstraint(table, index)});
    // Dropping the constraint drops its index: back to validate's state.
    b.AddSwapReverseAfter(t, {{ddl::CreateUniqueIndexConcurrently(table, index, {shadow}, true),
                               Lock::kShareUpdateExclusive, false}});
  }

  // swap
  for (const auto& ci : *carried) PlanCarriedIndex(ci, t, base, b);
  b.AddSwapGuard(t, ddl::RefuseDependents(table, col, {b.TriggerName("ins"), b.TriggerName("upd")},
                                          carried_names));
  b.AddSwapRename(t, col, old_away);
  b.AddSwapRename(t, shadow, c.new_name);
  if (c.old.not_null && !c.new_not_null) {
    // down may give NULL now; restored (without a scan under lock) when swap is reversed.
    b.AddSwapStatements(t, {ddl::DropNotNull(table, old_away)}, {});
    std::vector<Statement> restore;
    for (const auto& sql :
         ddl::RestoreNotNull(table, col, "", BoundedName({"pgphase_nn_old", t.name, col}))) {
      const bool scan = sql.find(" VALIDATE ") != std::string::npos;
      restore.push_back({sql, scan ? Lock::kShareUpdateExclusive : Lock::kAccessExclusive, true});
    }
    b.AddSwapReverseAfter(t, std::move(restore));
  }

  // contract: the old column, once the triggers reading it are gone.
  Step drop;
  drop.id = "contract." + base + ".old_column";
  drop.summary = "drop the old column " + old_away;
  drop.statement = Statement{ddl::DropColumn(table, old_away), Lock::kAccessExclusive, true};
  b.AddAfterTableWork(Phase::kContract, std::move(drop));
  b.MarkChanged(t.schema, t.name, col);
  return Status::Ok();
}

namespace {

void PlanCarriedIndex(const CarriedIndex& c, const TableInfo& t, const std::string& base,
                      PlanBuilder& b) {
  const ddl::Rel table{t.schema, t.name};
  const ddl::Rel tmp_rel{t.schema, c.tmp};
  const Statement drop{ddl::DropIndexConcurrently(tmp_rel), Lock::kShareUpdateExclusive, false};
  b.AddStep(Phase::kValidate,
            NonTransactional(
                "validate." + base + ".index." + c.name,
                "rebuild index " + c.name + " on the new column as " + c.tmp,
                {ddl::CreateColumnIndexConcurrently(table, c.tmp, c.columns, c.unique, false),
                 Lock::kShareUpdateExclusive, false},
                ddl::IndexIsValidQuery(tmp_rel), {drop}, {drop}));
  if (c.constraint) {
    b.AddSwapStatements(
        t,
        {ddl::RenameConstraint(table, c.name, c.old),
         ddl::AddConstraintUsingIndex(table, c.name, false, c.tmp)},
        {ddl::DropConstraint(table, c.name), ddl::RenameConstraint(table, c.old, c.name)});
  } else {
    b.AddSwapStatements(
        t, {ddl::RenameIndex(t.schema, c.name, c.old), ddl::RenameIndex(t.schema, c.tmp, c.name)},
        {ddl::RenameIndex(t.schema, c.name, c.tmp), ddl::RenameIndex(t.schema, c.old, c.name)});
  }
  if (c.constraint) {
    // Dropping the constraint dropped the rebuilt index: back to validate's state.
    b.AddSwapReverseAfter(
        t, {{ddl::CreateColumnIndexConcurrently(table, c.tmp, c.columns, c.unique, true),
             Lock::kShareUpdateExclusive, false}});
  }
}

}  // namespace
}  // namespace pgphase::column_plan
