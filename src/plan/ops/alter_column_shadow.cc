// alter_column through a shadow column `_pgphase_new_<col>` of the new shape:
//
//   expand    refuse if anything depends on the column; ADD COLUMN shadow; its default and
//             comment; CHECK / FK NOT VALID on it
//   sync      the table's trigger keeps shadow = up(row) on every write (pgphase owns the
//             shadow, so no value an application writes into it is kept); NOT NULL helper
//   backfill  shadow = up(row) for existing rows
//   validate  first, when `up` is deterministic (verify.h): every row's shadow checked against
//             up(row) in batches, rows that differ repaired and re-checked; then VALIDATE
//             helper / check / FK, SET NOT NULL, CREATE UNIQUE INDEX CONCURRENTLY; each
//             plain btree index on the column rebuilt CONCURRENTLY on the shadow
//   swap      one transaction: refuse dependents again; <col> -> _pgphase_old_<col>,
//             shadow -> <name>; attach UNIQUE USING INDEX; moved indexes take their names;
//             DROP NOT NULL on the old column when the new one is nullable (or `down` may
//             fail: a new-app write must not); the trigger
//             turned around so that every write keeps _pgphase_old_<col> = down(row) (so
//             reversing swap loses nothing)
//   contract  drop trigger, function, helper check, then the old column
//
// Check constraints on the column are carried over (CarriedCheck): each one that the new type
// can take (PlanOptions::unusable_checks, found by the executor's CarriedCheckProbes before
// planning, says which cannot) is added to the new column in validate as
// `_pgphase_new_<check>` NOT VALID and validated there (in validate, not expand, so that an
// `up` whose value it rejects breaks no write before the phase that establishes it; the
// validate failure names the rows); at swap the old one becomes `_pgphase_old_<check>` and the
// new one takes its name; contract drops the old one with the old column. One the new type
// cannot take stays on the old column only, and goes with it at contract; the plan says so.
//
// Foreign keys of the table on the column are carried the same way when the type does not
// change (CarriedForeignKey): `_pgphase_new_<fk>` NOT VALID on the new column in validate,
// validated there, the names exchanged at swap, the old one dropped with the old column.
//
// A rename (AlterColumnChange::pair) goes through a column pair instead, so that both
// application versions work from sync until contract:
//
//   expand    the shadow column takes the new name (no default yet, see below)
//   sync      DROP NOT NULL on the old column when a new-app write may leave it NULL (the
//             new column is nullable, or `down` may fail); the trigger keeps both columns
//             in step both ways from now until contract (ddl::Fill::Mode::kPairNew/kPairOld)
//   backfill  the new column from `up`, where still NULL
//   validate  verification only when `up` and `down` are the plain copies (or casts): the
//             new app writes the new column too
//   swap      nothing of the column's own (moved indexes take their names)
//   contract  the new column's default, then the old column goes
//
// The new column has no default while the pair lives: an INSERT that leaves it NULL is the
// old app's (or one that wants the default, which the old column then carries over), so the
// trigger fills it from the old column; one that gives it fills the old column from it.
// With writer_by_search_path the trigger tells the writers apart by the session, so the new
// column has its default from expand (a foreign key's ON DELETE SET DEFAULT reads it there).
//
// Which side wrote, outside a pair: before swap only pgphase writes the shadow, after swap
// only pgphase writes the old column, so the trigger never has to guess from the row. Every write
// recomputes the pgphase-owned side from the application's side (Fill::Mode::kOwned):
// a statement that sets both keeps the application's column and recomputes the other;
// NULL is an ordinary value (never read as "omitted"); a default on the owned column is
// overwritten on INSERT, so it cannot hide anything. Under version schemas the old version
// still writes the old column through its view after swap: from then on the two columns are a
// pair (PairFromSwap), and the new column's default waits for contract as a pair's does (the
// new version's view has it as its own meanwhile).
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_column.h"
#include "pgphase/ddl_index.h"
#include "pgphase/sql.h"
#include "plan/check.h"
#include "plan/keys.h"
#include "plan/ops/alter_column.h"
#include "plan/steps.h"
#include "plan/verify.h"

namespace pgphase {
namespace {

// An index on the column that the swap moves to the new column: rebuilt on the shadow
// in validate under a temporary name, then the names exchanged at swap (a unique
// constraint's through RENAME CONSTRAINT and USING INDEX).
struct CarriedIndex {
  std::string name, tmp, old;
  std::vector<std::string> columns;  // with the shadow in place of the column
  bool unique = false;
  bool constraint = false;
  // The primary key: at swap the old one is dropped and the rebuilt index becomes the key;
  // reversing swap drops the new key, and the old one comes back after the reverse
  // transaction, on an index built concurrently (`old`) once NOT NULL is restored.
  bool primary = false;
  std::vector<std::string> old_columns;
};

// A check constraint on the column, re-created on the new column.
struct CarriedCheck {
  std::string name, tmp, old;
  std::string expr;  // on the new column
  bool no_inherit = false;
  bool validated = true;
};

// A foreign key of the table on the column, re-created on the new column.
struct CarriedForeignKey {
  const ConstraintInfo* fk = nullptr;
  std::string tmp, old;
};

class ShadowPlanner {
 public:
  ShadowPlanner(const AlterColumnOp& op, const SourceLocation& where, const AlterColumnChange& c,
                PlanBuilder& b)
      : op_(op),
        where_(where),
        c_(c),
        b_(b),
        t_(*c.table),
        table_{t_.schema, t_.name},
        col_(op.column),
        shadow_(c.pair && c.new_name != op.column ? c.new_name : ShadowColumnName(col_)),
        old_away_(c.pair ? col_ : OldName(col_)),
        base_(t_.name + "." + col_) {}

  Status Plan();

 private:
  Status CheckColumn() const;
  Status FindCarriedIndexes();
  Status FindCarriedChecks();
  void ValidateCarriedChecks();
  std::vector<std::string> FindCarriedForeignKeys();
  void ValidateCarriedForeignKeys();
  Status ResolveUp();
  Status ResolveDown();
  Status ResolveCheck();
  void Expand();
  void ExpandDefault();
  std::optional<std::string> NewDefault();
  bool OldColumnMayGetNull() const;
  bool DefaultAtContract() const { return c_.pair || b_.version_schemas(); }
  void NoteSameNameTypeChange();
  void Sync();
  ddl::Fill PairFromSwap(const ddl::Fill& fill_up, ddl::Fill& fill_down) const;
  void Verify();
  void Validate();
  void CarryIndex(const CarriedIndex& ci);
  void Swap();
  void Contract();

  const AlterColumnOp& op_;
  const SourceLocation& where_;
  const AlterColumnChange& c_;
  PlanBuilder& b_;
  TableInfo& t_;
  const ddl::Rel table_;
  const std::string& col_;
  const std::string shadow_, old_away_, base_;
  std::vector<CarriedIndex> carried_;
  std::vector<CarriedCheck> checks_;
  std::vector<CarriedForeignKey> foreign_keys_;
  std::vector<std::string> carried_names_;
  SqlExpr up_, down_;
  std::string up_from_swap_;  // `up` over the old column by its name from swap on
  ExprAnalysis up_analysis_, down_analysis_;
  std::vector<std::string> before_cols_, after_cols_;
  std::string check_sql_;
  bool down_may_fail_ = false;  // after swap, a new-app write may leave the old column NULL
  bool default_noted_ = false;  // NewDefault's note, once
};

Status ShadowPlanner::CheckColumn() const {
  if (c_.old.generated || (c_.old.identity && !c_.default_moves_at_swap))
    return Invalid(where_, c_.kind,
                   fmt::format("column {} is generated or an identity; changing it through a "
                               "new column is not planned yet",
                               QuoteIdent(col_)));
  if (c_.pair) {
    // The new name was checked and claimed with the rename (alter_column.cc).
    if (c_.before->FindColumn(shadow_) == nullptr) return Status::Ok();
    return Invalid(where_, c_.kind,
                   fmt::format("name: column {} still exists in table {} until this migration's "
                               "contract",
                               QuoteIdent(shadow_), QuoteIdent(t_.name)));
  }
  // Known now rather than found by the dependents check at expand, after part of the work.
  AlterColumnChange carrying = c_;
  for (const CarriedForeignKey& k : foreign_keys_)
    carrying.carried_constraints.push_back(k.fk->name);
  if (std::string why = WhatStaysOnTheOldColumn(carrying, col_, /*checks_carried=*/true);
      !why.empty()) {
    return Invalid(where_, c_.kind,
                   fmt::format("column {} cannot change through a new column: {}, and would stay "
                               "on the old one; drop or recreate it in a separate migration",
                               QuoteIdent(col_), why));
  }
  if (c_.before->FindColumn(shadow_) || c_.before->FindColumn(old_away_) ||
      !b_.ClaimNewColumn(t_, shadow_)) {
    return Invalid(where_, c_.kind,
                   fmt::format("column {} is already being changed (by this migration or an "
                               "unfinished one: {} exists)",
                               QuoteIdent(col_), QuoteIdent(shadow_)));
  }
  return Status::Ok();
}

Status ShadowPlanner::FindCarriedIndexes() {
  for (const auto& i : c_.before->indexes) {
    if (std::find(i.columns.begin(), i.columns.end(), col_) == i.columns.end()) continue;
    if (std::find(c_.dropped.begin(), c_.dropped.end(), i.name) != c_.dropped.end()) {
      carried_names_.push_back(i.name);  // stays on the old column: not refused
      continue;
    }
    if (i.partial || !i.valid || !i.plain) {
      return Invalid(where_, c_.kind,
                     fmt::format("column {} is used by index {} ({}), which pgphase cannot move "
                                 "to a new column yet (only plain btree indexes over columns); "
                                 "drop or recreate the index in a separate migration",
                                 QuoteIdent(col_), QuoteIdent(i.name), i.definition));
    }
    CarriedIndex ci;
    ci.name = i.name;
    ci.tmp = BoundedName({"_pgphase_new", i.name});
    ci.old = OldName(i.name);
    for (const auto& k : i.columns) ci.columns.push_back(k == col_ ? shadow_ : k);
    ci.unique = i.unique;
    const ConstraintInfo* con = c_.before->FindConstraint(i.name);
    ci.constraint = con != nullptr && con->type == 'u';
    ci.primary = i.primary;
    ci.old_columns = i.columns;
    if (ci.primary && !c_.new_not_null)
      return Invalid(where_, c_.kind,
                     fmt::format("column {} is in the primary key {}, so it cannot become nullable",
                                 QuoteIdent(col_), QuoteIdent(i.name)));
    carried_names_.push_back(ci.name);
    carried_.push_back(std::move(ci));
  }
  return Status::Ok();
}

Status ShadowPlanner::FindCarriedChecks() {
  for (const auto& k : c_.before->constraints) {
    if (k.type != 'c' || std::find(k.columns.begin(), k.columns.end(), col_) == k.columns.end())
      continue;
    carried_names_.push_back(k.name);  // carried, or dropped with the old column: not refused
    if (std::find(c_.dropped.begin(), c_.dropped.end(), k.name) != c_.dropped.end()) continue;
    const auto unusable = b_.options().unusable_checks.find(CheckKey(t_.schema, t_.name, k.name));
    if (unusable != b_.options().unusable_checks.end()) {
      b_.Note(fmt::format(
          "{} {}.{}: check constraint {} ({}) is not carried over to type {} ({}): it stays on "
          "the old column only, until contract drops it",
          c_.kind, t_.name, col_, k.name, k.definition, c_.new_type, unusable->second));
      continue;
    }
    Result<std::string> expr = ddl::RenameColumnRefs(k.check_expr, col_, shadow_);
    if (!expr.ok())
      return Invalid(where_, c_.kind,
                     fmt::format("check constraint {} on column {}: {}", QuoteIdent(k.name),
                                 QuoteIdent(col_), expr.status().message()));
    checks_.push_back({k.name, BoundedName({"_pgphase_new", k.name}), OldName(k.name),
                       EmbedExpression(*expr), k.no_inherit, k.validated});
  }
  return Status::Ok();
}

// The table's foreign keys on the column that the caller does not re-create, when the type
// stays or the new type can have them (PlanOptions::carried_foreign_keys); their names. One
// the new type cannot have stays on the old column, which refuses the change (CheckColumn).
std::vector<std::string> ShadowPlanner::FindCarriedForeignKeys() {
  std::vector<std::string> names;
  if (c_.pair) return names;
  const std::set<std::string>& typed = b_.options().carried_foreign_keys;
  for (const auto& k : c_.before->constraints) {
    const auto& mine = c_.carried_constraints;
    if (k.type != 'f' || std::find(k.columns.begin(), k.columns.end(), col_) == k.columns.end() ||
        std::find(mine.begin(), mine.end(), k.name) != mine.end() ||
        std::find(c_.dropped.begin(), c_.dropped.end(), k.name) != c_.dropped.end())
      continue;
    if (c_.type_changed && typed.count(CheckKey(t_.schema, t_.name, k.name)) == 0) continue;
    foreign_keys_.push_back({&k, BoundedName({"_pgphase_new", k.name}), OldName(k.name)});
    names.push_back(k.name);
  }
  return names;
}

void ShadowPlanner::ValidateCarriedForeignKeys() {
  for (const CarriedForeignKey& k : foreign_keys_) {
    const std::string base = "validate." + base_ + ".fk." + k.fk->name;
    ddl::ForeignKey fk = ForeignKeyAsIs(*k.fk, col_, shadow_, "", "");
    fk.name = k.tmp;
    b_.Add(
        Phase::kValidate, base + ".add",
        fmt::format("foreign key {} on the new column as {}, not yet validated", k.fk->name, k.tmp),
        ddl::AddForeignKeyNotValid(table_, fk), {ddl::DropConstraint(table_, k.tmp)});
    if (k.fk->validated) {
      b_.Add(Phase::kValidate, base + ".validate", "validate " + k.tmp + " without blocking writes",
             ddl::ValidateConstraint(table_, k.tmp));
    }
    SwapChange names;
    names.forward = {ddl::RenameConstraint(table_, k.fk->name, k.old),
                     ddl::RenameConstraint(table_, k.tmp, k.fk->name)};
    names.reverse = {ddl::RenameConstraint(table_, k.fk->name, k.tmp),
                     ddl::RenameConstraint(table_, k.old, k.fk->name)};
    b_.Swap(t_, std::move(names));
  }
}

// up: the old row -> the new column, by the names the old app uses.
Status ShadowPlanner::ResolveUp() {
  before_cols_ = ColumnNames(*c_.before);
  up_ = op_.up
            ? *op_.up
            : SqlExpr{c_.type_changed ? fmt::format("CAST({} AS {})", QuoteIdent(col_), c_.new_type)
                                      : QuoteIdent(col_),
                      where_};
  auto a = Analyze(up_, c_.kind, "up");
  if (!a.ok()) return a.status();
  up_analysis_ = *a;
  PGPHASE_RETURN_IF_ERROR(
      CheckExpressionColumns(before_cols_, t_.name, up_analysis_, up_, c_.kind, "up"));
  if (c_.pair || !b_.version_schemas()) return Status::Ok();
  Result<std::string> from_swap = ddl::RenameColumnRefs(up_.text, col_, old_away_);  // PairFromSwap
  if (!from_swap.ok()) return Invalid(up_.where, c_.kind, "up: " + from_swap.status().message());
  up_from_swap_ = *from_swap;
  return Status::Ok();
}

// down: the new row -> the old column, by the names the new app uses (a pair under the
// same name: its new column by its own name, since the old one keeps the name).
Status ShadowPlanner::ResolveDown() {
  const std::string& new_col = c_.pair ? shadow_ : c_.new_name;
  after_cols_ = before_cols_;
  for (auto& n : after_cols_)
    if (n == col_) n = new_col;
  const SqlExpr own_value{c_.type_changed
                              ? fmt::format("CAST({} AS {})", QuoteIdent(new_col), c_.old.type)
                              : QuoteIdent(new_col),
                          where_};
  down_ = op_.down ? *op_.down : own_value;
  if (op_.down && new_col != c_.new_name) {
    Result<std::string> r = ddl::RenameColumnRefs(op_.down->text, c_.new_name, new_col);
    if (!r.ok()) return Invalid(op_.down->where, c_.kind, "down: " + r.status().message());
    down_.text = *r;
  }
  auto a = Analyze(down_, c_.kind, "down");
  if (!a.ok()) return a.status();
  down_analysis_ = *a;
  Status refs =
      CheckExpressionColumns(after_cols_, t_.name, down_analysis_, down_, c_.kind, "down");
  if (refs.ok()) return refs;
  // pgroll accepts such a `down` (its trigger would fail on the first new-app write after
  // the switch). Refusing would also refuse pgroll's own example 35; running it would break
  // every new-app write after swap. So: keep the old column in step with the column's own
  // value, and say so where reviewers and operators look.
  b_.Note(refs.message() +
          "; `down` cannot run, so after swap the old column receives the new column's own "
          "value (" +
          own_value.text + ") instead: fix `down` if you meant something else");
  down_ = own_value;
  a = Analyze(down_, c_.kind, "down");
  if (!a.ok()) return a.status();
  down_analysis_ = *a;
  return Status::Ok();
}

// The check is written against the column's name; the constraint is created on the shadow.
Status ShadowPlanner::ResolveCheck() {
  if (!op_.check) return Status::Ok();
  Result<std::string> r = ddl::RenameColumnRefs(op_.check->constraint.text, c_.new_name, shadow_);
  if (r.ok() && c_.new_name != col_) r = ddl::RenameColumnRefs(*r, col_, shadow_);
  if (!r.ok())
    return Invalid(op_.check->constraint.where, c_.kind, "check: " + r.status().message());
  check_sql_ = EmbedExpression(*r);
  return Status::Ok();
}

// The new column's default: at expand, or at contract for a pair (see the top of this file),
// or under version schemas (a pair from swap on: PairFromSwap).
std::optional<std::string> ShadowPlanner::NewDefault() {
  if (op_.set_default)
    return op_.default_value ? std::optional(EmbedExpression(op_.default_value->text))
                             : std::nullopt;
  if (!c_.old.default_expr || c_.default_moves_at_swap) return std::nullopt;
  if (!c_.type_changed ||
      b_.options().carried_defaults.count(CheckKey(t_.schema, t_.name, col_)) != 0)
    return c_.old.default_expr;
  if (default_noted_) return std::nullopt;
  default_noted_ = true;
  b_.Note(fmt::format(
      "alter_column {}.{}: the default ({}) is not carried over to type {}; give `default:` "
      "to keep one",
      t_.name, col_, *c_.old.default_expr, c_.new_type));
  return std::nullopt;
}

void ShadowPlanner::ExpandDefault() {
  if (DefaultAtContract() && !b_.options().writer_by_search_path) return;
  if (std::optional<std::string> shadow_default = NewDefault()) {
    b_.Add(Phase::kExpand, "expand." + base_ + ".default", "default of the new column",
           ddl::SetDefault(table_, shadow_, *shadow_default));
  }
}

void ShadowPlanner::Expand() {
  const std::string base = "expand." + base_;
  b_.Add(Phase::kExpand, base + ".dependents",
         "refuse if an index, constraint, view or other object depends on the column",
         ddl::RefuseDependents(table_, col_, {}, carried_names_, c_.referencing));
  ddl::ColumnDef shadow;
  shadow.name = shadow_;
  shadow.type = c_.new_type;
  b_.Add(Phase::kExpand, base + ".shadow",
         c_.pair ? fmt::format("add column {} ({}), kept in step with {} until contract", shadow_,
                               c_.new_type, col_)
                 : fmt::format("add shadow column {} ({})", shadow_, c_.new_type),
         ddl::AddColumn(table_, shadow), {ddl::DropColumn(table_, shadow_)});
  ExpandDefault();
  if (op_.set_comment && op_.comment) {
    b_.Add(Phase::kExpand, base + ".comment", "comment of the new column",
           ddl::CommentOnColumn(table_, shadow_, op_.comment));
  } else if (!op_.set_comment) {
    b_.Add(Phase::kExpand, base + ".comment", "carry the comment over",
           ddl::CopyColumnComment(table_, col_, shadow_));
  }
  if (op_.check) {
    b_.Add(Phase::kExpand, base + ".check", "check constraint, not yet validated",
           ddl::AddCheckNotValid(table_, op_.check->name, check_sql_, op_.check->no_inherit),
           {ddl::DropConstraint(table_, op_.check->name)});
  }
  if (op_.references) {
    // A referenced column that an earlier operation renames at swap (a key column) has its
    // old name until then; the foreign key follows the rename.
    ReferencesSpec r = *op_.references;
    if (const TableInfo* target = b_.catalog().FindTable(t_.schema, r.table)) {
      const PlanBuilder::UntilSwap until_swap = b_.ColumnUntilSwap(*target, r.column);
      if (!until_swap.filled) r.column = until_swap.column;
    }
    b_.Add(Phase::kExpand, base + ".foreign_key", "foreign key, not yet validated",
           ddl::AddForeignKeyNotValid(table_, ForeignKeyOf(r, shadow_, t_.schema)),
           {ddl::DropConstraint(table_, op_.references->name)});
  }
}

// shadow = up(row) until swap, then old = down(row); for a pair, both ways from now on.
void ShadowPlanner::Sync() {
  ddl::Fill fill_up{shadow_, EmbedExpression(up_.text), SourcesIn(before_cols_, up_analysis_),
                    c_.new_not_null};
  fill_up.mode = c_.pair ? ddl::Fill::Mode::kPairNew : ddl::Fill::Mode::kOwned;
  const ColumnTypes before = ColumnTypesOf(*c_.before);
  fill_up.guard = MayRaise(up_.text, before, c_.new_type);
  ddl::Fill fill_down{old_away_, EmbedExpression(down_.text),
                      SourcesIn(after_cols_, down_analysis_)};
  fill_down.mode = c_.pair ? ddl::Fill::Mode::kPairOld : ddl::Fill::Mode::kOwned;
  ColumnTypes after = before;
  after.erase(col_);
  after[c_.pair ? shadow_ : c_.new_name] = c_.new_type;
  fill_down.guard = MayRaise(down_.text, after, c_.old.type);
  down_may_fail_ = fill_down.guard;
  ColumnSync sync;
  sync.name = col_;
  if (!c_.pair) {
    if (b_.version_schemas()) sync.after_swap_new = PairFromSwap(fill_up, fill_down);
    sync.fill = std::move(fill_up);
    sync.after_swap = std::move(fill_down);
    b_.Sync(t_, std::move(sync));
    return;
  }
  fill_up.partner = old_away_;
  fill_down.partner = shadow_;
  fill_up.writer_schema = b_.WriterSchema();
  // A side whose expression reads no column (a constant) still follows the other side's
  // writes: the other side's column is then its source.
  if (fill_up.sources.empty()) fill_up.sources = {old_away_};
  if (fill_down.sources.empty()) fill_down.sources = {shadow_};
  if (OldColumnMayGetNull()) {
    b_.Add(Phase::kSync, "sync." + base_ + ".old_not_null",
           "drop NOT NULL on " + col_ + ": the new application's writes may leave it NULL",
           ddl::DropNotNull(table_, col_),
           ddl::RestoreNotNull(table_, col_, EmbedExpression(down_.text),
                               BoundedName({"pgphase_nn_old", t_.name, col_})));
  }
  sync.fill = std::move(fill_up);
  sync.paired = std::move(fill_down);
  b_.Sync(t_, std::move(sync));
}

// With version schemas, outside a pair: from swap on the old version writes the old column
// through its view, so the two columns are a pair then. The new column's fill is `up` over the
// old column by its name from swap on (the returned fill, by the names before swap otherwise:
// ColumnSync::after_swap_new); `down`, the old column's, becomes its partner.
ddl::Fill ShadowPlanner::PairFromSwap(const ddl::Fill& fill_up, ddl::Fill& fill_down) const {
  ddl::Fill new_side = fill_up;
  new_side.mode = ddl::Fill::Mode::kPairNew;
  new_side.partner = old_away_;
  new_side.writer_schema = b_.WriterSchema();
  new_side.expr = EmbedExpression(up_from_swap_);
  std::replace(new_side.sources.begin(), new_side.sources.end(), col_, old_away_);
  if (new_side.sources.empty()) new_side.sources = {old_away_};
  fill_down.mode = ddl::Fill::Mode::kPairOld;
  fill_down.partner = c_.new_name;
  if (fill_down.sources.empty()) fill_down.sources = {c_.new_name};
  return new_side;
}

// NOT NULL on the old column would make a new-app write fail that succeeds on the new shape:
// one that leaves the new column NULL, or whose `down` fails.
bool ShadowPlanner::OldColumnMayGetNull() const {
  return c_.old.not_null && (!c_.new_not_null || down_may_fail_);
}

// The shadow is pgphase's alone until swap, so up(row) is the truth for it, when `up` gives the
// same value each time it is evaluated.
void ShadowPlanner::Verify() {
  if (c_.pair && (op_.up || op_.down)) {
    b_.Note(fmt::format(
        "alter_column {}.{}: {} is not verified at validate: the new application may write it "
        "from sync on, so `up` is not the truth for it",
        t_.name, col_, shadow_));
    return;
  }
  std::vector<std::pair<std::string, std::string>> sources;
  for (const std::string& name : SourcesIn(before_cols_, up_analysis_))
    sources.emplace_back(name, c_.before->FindColumn(name)->type);
  const std::string why = WhyNotDeterministic(up_analysis_, sources, c_.new_type, b_.options());
  if (!why.empty()) {
    b_.Note(fmt::format("{} {}.{}: {} is not verified at validate: `up` is not deterministic ({})",
                        c_.kind, t_.name, col_, shadow_, why));
    return;
  }
  b_.Verify(t_, {shadow_, EmbedExpression(up_.text), c_.new_type,
                 !HasEqualityOperator(CanonicalType(c_.new_type))});
}

void ShadowPlanner::Validate() {
  const std::string base = "validate." + base_;
  if (c_.new_not_null)
    AddNotNullProof(b_, t_, shadow_, BoundedName({"pgphase_nn", t_.name, col_}), base_);
  if (op_.check) {
    b_.Add(Phase::kValidate, base + ".check", "validate the check constraint",
           ddl::ValidateConstraint(table_, op_.check->name));
  }
  if (op_.references) {
    b_.Add(Phase::kValidate, base + ".foreign_key", "validate the foreign key",
           ddl::ValidateConstraint(table_, op_.references->name));
  }
  if (op_.unique_name) {
    const std::string& index = *op_.unique_name;
    const ddl::IndexDef def = ddl::PlainIndex(index, {shadow_}, /*unique=*/true);
    b_.AddStep(Phase::kValidate,
               IndexBuildStep(base + ".unique_index",
                              "build the unique index on the new column without blocking writes",
                              t_, def));
    SwapChange attach;
    attach.forward = {ddl::AddConstraintUsingIndex(table_, index, false, index)};
    attach.reverse = {ddl::DropConstraint(table_, index)};
    // Dropping the constraint drops its index: back to validate's state.
    attach.after_reverse = {ddl::CreateIndexConcurrently(table_, def, /*if_not_exists=*/true)};
    b_.Swap(t_, std::move(attach));
  }
}

void ShadowPlanner::ValidateCarriedChecks() {
  for (const CarriedCheck& k : checks_) {
    const std::string base = "validate." + base_ + ".check." + k.name;
    b_.Add(Phase::kValidate, base + ".add",
           fmt::format("check constraint {} on the new column as {}, not yet validated", k.name,
                       k.tmp),
           ddl::AddCheckNotValid(table_, k.tmp, k.expr, k.no_inherit),
           {ddl::DropConstraint(table_, k.tmp)});
    if (k.validated) {
      Step validate;
      validate.id = base + ".validate";
      validate.summary = "validate " + k.tmp + " without blocking writes";
      validate.statement = ddl::ValidateConstraint(table_, k.tmp);
      validate.diagnose = ddl::ViolatingRowsQuery(table_, KeyNames(b_.BeforePlan(t_)), k.expr);
      b_.AddStep(Phase::kValidate, std::move(validate));
    }
    SwapChange names;
    names.forward = {ddl::RenameConstraint(table_, k.name, k.old),
                     ddl::RenameConstraint(table_, k.tmp, k.name)};
    names.reverse = {ddl::RenameConstraint(table_, k.name, k.tmp),
                     ddl::RenameConstraint(table_, k.old, k.name)};
    b_.Swap(t_, std::move(names));
  }
}

void ShadowPlanner::CarryIndex(const CarriedIndex& ci) {
  const ddl::IndexDef def = ddl::PlainIndex(ci.tmp, ci.columns, ci.unique);
  b_.AddStep(
      Phase::kValidate,
      IndexBuildStep("validate." + base_ + ".index." + ci.name,
                     "rebuild index " + ci.name + " on the new column as " + ci.tmp, t_, def));
  SwapChange move;
  if (ci.primary) {
    move.forward = {ddl::DropConstraint(table_, ci.name),
                    ddl::AddConstraintUsingIndex(table_, ci.name, true, ci.tmp)};
    // A key foreign keys reference stays until the caller puts the old one back.
    if (!c_.caller_restores_key) move.reverse = {ddl::DropConstraint(table_, ci.name)};
  } else if (ci.constraint) {
    move.forward = {ddl::RenameConstraint(table_, ci.name, ci.old),
                    ddl::AddConstraintUsingIndex(table_, ci.name, false, ci.tmp)};
    move.reverse = {ddl::DropConstraint(table_, ci.name),
                    ddl::RenameConstraint(table_, ci.old, ci.name)};
    // Dropping the constraint dropped the rebuilt index: back to validate's state.
    move.after_reverse = {ddl::CreateIndexConcurrently(table_, def, /*if_not_exists=*/true)};
  } else {
    move.forward = {ddl::RenameIndex(t_.schema, ci.name, ci.old),
                    ddl::RenameIndex(t_.schema, ci.tmp, ci.name)};
    move.reverse = {ddl::RenameIndex(t_.schema, ci.name, ci.tmp),
                    ddl::RenameIndex(t_.schema, ci.old, ci.name)};
  }
  b_.Swap(t_, std::move(move));
}

void ShadowPlanner::Swap() {
  for (const auto& ci : carried_) CarryIndex(ci);
  SwapChange swap;
  swap.guards = {ddl::RefuseDependents(table_, col_, {b_.TriggerName("ins"), b_.TriggerName("upd")},
                                       carried_names_, c_.referencing)};
  if (c_.pair) {
    b_.Swap(t_, std::move(swap));  // the pair needs nothing at swap; the guard goes along
    return;
  }
  swap.renames = {{col_, old_away_}, {shadow_, c_.new_name}};
  if (OldColumnMayGetNull()) {
    // down may give NULL now (or fail, which leaves the column NULL on INSERT); restored
    // (without a scan under lock) when swap is reversed.
    swap.forward = {ddl::DropNotNull(table_, old_away_)};
    swap.after_reverse =
        ddl::RestoreNotNull(table_, col_, "", BoundedName({"pgphase_nn_old", t_.name, col_}));
  }
  b_.Swap(t_, std::move(swap));
  // After the old column's NOT NULL is back: the old primary key, then validate's index.
  for (const auto& ci : carried_) {
    if (!ci.primary || c_.caller_restores_key) continue;
    const ddl::IndexDef old_key = ddl::PlainIndex(ci.old, ci.old_columns, /*unique=*/true);
    SwapChange key;
    key.after_reverse = {
        ddl::CreateIndexConcurrently(table_, old_key, /*if_not_exists=*/true),
        ddl::AddConstraintUsingIndex(table_, ci.name, true, ci.old),
        ddl::CreateIndexConcurrently(table_, ddl::PlainIndex(ci.tmp, ci.columns, ci.unique),
                                     /*if_not_exists=*/true)};
    b_.Swap(t_, std::move(key));
  }
}

// The old column goes once the triggers reading it are gone. Its NOT NULL goes first, before
// those triggers (contract's first steps): between the trigger that fills it and the column's
// drop, a new-app INSERT that does not name it must not fail.
void ShadowPlanner::Contract() {
  // (CheckColumn refuses a generated column, and an identity unless it moves at swap.)
  if (c_.old.not_null) AddNullableAtContract(b_, t_, old_away_, base_);
  const std::optional<std::string> late_default = DefaultAtContract() ? NewDefault() : std::nullopt;
  const std::string& new_column = c_.pair ? shadow_ : c_.new_name;
  if (late_default) {
    Step set;
    set.id = "contract." + base_ + ".default";
    set.summary = "default of " + new_column + ", now that the old column is going";
    set.statement = ddl::SetDefault(table_, new_column, *late_default);
    b_.AddAfterTableWork(Phase::kContract, std::move(set));
  }
  Step drop;
  drop.id = "contract." + base_ + ".old_column";
  drop.summary = "drop the old column " + old_away_;
  drop.statement = ddl::DropColumn(table_, old_away_);
  b_.AddAfterTableWork(Phase::kContract, std::move(drop));
  if (c_.pair && shadow_ != c_.new_name) {  // a pair under the same name (version schemas)
    Step rename;
    rename.id = "contract." + base_ + ".rename";
    rename.summary = fmt::format("the new column {} takes the name {}", shadow_, c_.new_name);
    rename.statement = ddl::RenameColumn(table_, shadow_, c_.new_name);
    b_.AddAfterTableWork(Phase::kContract, std::move(rename));
  }
  if (c_.pair && b_.version_schemas()) {
    b_.HideInVersion(t_.name, col_);
    b_.ShowInVersionAs({t_.name, shadow_, c_.new_name, col_, late_default.value_or("")});
  } else if (late_default) {  // the new version's own default until contract
    b_.ShowInVersionAs({t_.name, c_.new_name, c_.new_name, "", *late_default});
  }
  b_.MarkChanged(t_.schema, t_.name, col_);
}

// One physical table cannot give one name two types, so a same-name type change cannot
// serve both application versions at once; a rename can (strong_migrations gives the same
// advice).
void ShadowPlanner::NoteSameNameTypeChange() {
  if (c_.pair || b_.version_schemas()) return;  // each version has its own column
  if (!c_.type_changed || c_.new_name != col_) return;
  b_.Note(fmt::format(
      "alter_column {0}.{1}: the type changes under the same name, so the two application "
      "versions cannot each have their own: {1} is {2} until swap and {3} from swap on, and the "
      "old application must be stopped at swap; to keep both working through a rolling "
      "deploy, rename the column in the same alter_column (name:), and both names live from "
      "sync until contract",
      t_.name, col_, c_.old.type, c_.new_type));
}

Status ShadowPlanner::Plan() {
  NoteSameNameTypeChange();
  const std::vector<std::string> fk_names = FindCarriedForeignKeys();
  PGPHASE_RETURN_IF_ERROR(CheckColumn());
  PGPHASE_RETURN_IF_ERROR(FindCarriedIndexes());
  PGPHASE_RETURN_IF_ERROR(FindCarriedChecks());
  carried_names_.insert(carried_names_.end(), c_.carried_constraints.begin(),
                        c_.carried_constraints.end());
  carried_names_.insert(carried_names_.end(), fk_names.begin(), fk_names.end());
  carried_names_.insert(carried_names_.end(), c_.dropped.begin(), c_.dropped.end());
  PGPHASE_RETURN_IF_ERROR(ResolveUp());
  PGPHASE_RETURN_IF_ERROR(ResolveDown());
  PGPHASE_RETURN_IF_ERROR(ResolveCheck());
  Expand();
  Sync();
  Verify();
  Validate();
  ValidateCarriedChecks();
  ValidateCarriedForeignKeys();
  Swap();
  Contract();
  return Status::Ok();
}

}  // namespace

std::string ShadowColumnName(const std::string& column) {
  return BoundedName({"_pgphase_new", column});
}

std::string OldName(const std::string& name) { return BoundedName({"_pgphase_old", name}); }

Status PlanAlterColumnShadow(const AlterColumnOp& op, const SourceLocation& where,
                             const AlterColumnChange& c, PlanBuilder& b) {
  return ShadowPlanner(op, where, c, b).Plan();
}

}  // namespace pgphase
