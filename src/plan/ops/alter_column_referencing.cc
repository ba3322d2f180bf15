// alter_column changing the type of a key that other tables' foreign keys reference, or whose
// default is the sequence it owns (an integer primary key becoming bigint). The referencing
// columns are found in the catalog and change with it, each through the shadow path
// (alter_column_shadow.cc has its phase table) on its own table:
//
//   expand    a shadow column on the key's table and on every referencing table
//   sync      each table's own trigger keeps its shadow = up(row)
//   backfill  each table in its own keyset batches (a batch locks rows of its table only)
//   validate  each table verified; the key's unique index built concurrently on its shadow;
//             NOT NULL proven by a validated check; the referencing columns' indexes rebuilt
//             concurrently on their shadows
//   swap      the referencing tables' transactions first (their renames: the foreign keys
//             stay on the old columns, to the old key); then, in the key's table's one
//             transaction: drop the foreign keys to the key; its renames and the key attached
//             USING INDEX; the default and the sequence moved to the new column (ALTER
//             SEQUENCE AS <type>, OWNED BY: the same sequence, so nextval never repeats a
//             value); every foreign key re-created NOT VALID on the new columns, with its
//             name, actions and deferrability. Right after that commits, each is VALIDATEd.
//             Reversing swap first refuses (exit 2, naming rows) while a key or referencing
//             value does not fit the old type; the reverse transaction drops the new foreign
//             keys and moves the sequence back, and once the old key is rebuilt the old
//             foreign keys are re-created NOT VALID and validated
//   contract  the old columns and their indexes dropped (the shadow path's)
//
// An identity moves at swap with its sequence's options and value (MoveIdentity).
#include <fmt/format.h>

#include <algorithm>

#include "pgphase/ddl_index.h"
#include "pgphase/ddl_key.h"
#include "plan/check.h"
#include "plan/keys.h"
#include "plan/ops/alter_column.h"

namespace pgphase {
namespace {

// A foreign key to the changed column, and the column of its table that references it.
struct Referencing {
  const TableInfo* table = nullptr;  // as before the plan
  const ConstraintInfo* fk = nullptr;
  std::string column;
  bool changes = false;  // has the key's old type, so it changes with it
};

std::vector<Referencing> FindReferencing(const TableInfo& t, const std::string& column,
                                         const std::string& old_type,
                                         const CatalogSnapshot& catalog) {
  std::vector<Referencing> out;
  for (const TableInfo& other : catalog.tables) {
    for (const ConstraintInfo& k : other.constraints) {
      if (k.type != 'f' || k.ref_schema != t.schema || k.ref_table != t.name) continue;
      const auto at = std::find(k.ref_columns.begin(), k.ref_columns.end(), column);
      if (at == k.ref_columns.end() || k.columns.size() != k.ref_columns.size()) continue;
      Referencing r{&other, &k, k.columns[at - k.ref_columns.begin()]};
      const ColumnInfo* col = other.FindColumn(r.column);
      r.changes = col != nullptr && CanonicalType(col->type) == CanonicalType(old_type);
      out.push_back(std::move(r));
    }
  }
  // The table's own foreign keys last: its swap transaction must come after the others'.
  std::stable_partition(out.begin(), out.end(),
                        [&](const Referencing& r) { return r.table->name != t.name; });
  return out;
}

std::string ActionKeyword(char action) {
  switch (action) {
    case 'r':
      return "RESTRICT";
    case 'c':
      return "CASCADE";
    case 'n':
      return "SET NULL";
    case 'd':
      return "SET DEFAULT";
    default:
      return "";  // NO ACTION, the default
  }
}

}  // namespace

ddl::ForeignKey ForeignKeyAsIs(const ConstraintInfo& k, const std::string& column,
                               const std::string& column_now, const std::string& key,
                               const std::string& key_now) {
  ddl::ForeignKey fk;
  fk.name = k.name;
  fk.columns = k.columns;
  for (auto& n : fk.columns)
    if (n == column) n = column_now;
  fk.references.table = {k.ref_schema, k.ref_table};
  fk.references.columns = k.ref_columns;
  for (auto& n : fk.references.columns)
    if (n == key) n = key_now;
  fk.references.on_delete = ActionKeyword(k.on_delete);
  fk.references.on_update = ActionKeyword(k.on_update);
  fk.references.match_type = k.match_type == 'f' ? "FULL" : "";
  fk.references.deferrable = k.deferrable;
  fk.references.initially_deferred = k.initially_deferred;
  return fk;
}

namespace {

class ReferencedKeyPlanner {
 public:
  ReferencedKeyPlanner(const AlterColumnOp& op, const SourceLocation& where, AlterColumnChange& c,
                       PlanBuilder& b)
      : op_(op),
        where_(where),
        c_(c),
        b_(b),
        t_(*c.table),
        table_{t_.schema, t_.name},
        refs_(FindReferencing(t_, op.column, c.old.type, b.original_catalog())) {}

  Status Plan();

 private:
  Status PlanReferencingColumns();
  void MoveSequence(SwapChange& swap) const;
  void MoveIdentity(SwapChange& before_key, SwapChange& after) const;
  void RecreateForeignKeys(SwapChange& drop, SwapChange& swap);
  void RestorePrimaryKey(SwapChange& swap) const;
  bool ToPrimaryKey(const Referencing& r) const;
  void ReverseGuards(SwapChange& swap) const;

  const AlterColumnOp& op_;
  const SourceLocation& where_;
  AlterColumnChange& c_;
  PlanBuilder& b_;
  TableInfo& t_;
  const ddl::Rel table_;
  const std::vector<Referencing> refs_;
};

// Each referencing column of the key's old type changes to the new one, before the key's
// table is planned, so that its swap transaction comes first.
Status ReferencedKeyPlanner::PlanReferencingColumns() {
  if (b_.Touched(t_) && std::any_of(refs_.begin(), refs_.end(), [&](const Referencing& r) {
        return r.changes && r.table->name != t_.name;
      }))
    return Invalid(where_, c_.kind,
                   fmt::format("column {} is referenced by foreign keys, and an earlier operation "
                               "of this migration changes table {}: its swap must come after "
                               "the referencing tables', so change the key in the first "
                               "operation on {} (or in a migration of its own)",
                               QuoteIdent(op_.column), QuoteIdent(t_.name), QuoteIdent(t_.name)));
  std::vector<std::string> changed;
  for (const Referencing& r : refs_) {
    c_.carried_constraints.push_back(r.fk->name);
    c_.referencing.push_back(r.fk->name);
    if (!r.changes) continue;
    if (r.table->schema != t_.schema)
      return Invalid(where_, c_.kind,
                     fmt::format("column {} is referenced by foreign key {} of {}.{}, in another "
                                 "schema; pgphase changes tables of one schema at a time",
                                 QuoteIdent(op_.column), QuoteIdent(r.fk->name),
                                 QuoteIdent(r.table->schema), QuoteIdent(r.table->name)));
    AlterColumnOp child;
    child.table = r.table->name;
    child.column = r.column;
    child.type = c_.new_type;
    PGPHASE_RETURN_IF_ERROR(PlanAlterColumn(child, where_, b_, c_.kind, {r.fk->name}));
    changed.push_back(r.table->name + "." + r.column);
  }
  if (!changed.empty())
    b_.Note(
        fmt::format("{} {}.{}: changes to {} with it: {} (their foreign keys to it are "
                    "re-created at swap)",
                    c_.kind, t_.name, op_.column, c_.new_type, fmt::join(changed, ", ")));
  return Status::Ok();
}

// After the renames: the new column takes the default and the sequence, with its value.
void ReferencedKeyPlanner::MoveSequence(SwapChange& swap) const {
  if (c_.old.sequence.empty() || c_.old.identity) return;
  const ddl::Rel seq{c_.old.sequence_schema, c_.old.sequence};
  const std::string& col = op_.column;
  const std::string old = OldName(col);
  if (c_.default_moves_at_swap) {
    swap.forward.push_back(ddl::DropDefault(table_, old));
    swap.forward.push_back(ddl::SetDefault(table_, col, *c_.old.default_expr));
  }
  swap.forward.push_back(ddl::SetSequenceType(seq, c_.new_type));
  swap.forward.push_back(ddl::SequenceOwnedBy(seq, table_, col));
  swap.reverse.push_back(ddl::SequenceOwnedBy(seq, table_, old));
  swap.reverse.push_back(ddl::SetSequenceType(seq, c_.old.type));
  if (c_.default_moves_at_swap) {
    swap.reverse.push_back(ddl::DropDefault(table_, col));
    swap.reverse.push_back(ddl::SetDefault(table_, old, *c_.old.default_expr));
  }
}

// An identity moves with its sequence's value, before the old column's NOT NULL is dropped
// (an identity column's cannot be). Reversed in two steps: the old column has no NOT NULL
// until after the inverse transaction, so until then it takes nextval of a copy of the
// sequence as its default.
void ReferencedKeyPlanner::MoveIdentity(SwapChange& before_key, SwapChange& after) const {
  if (!c_.old.identity || c_.old.sequence.empty()) return;
  const ddl::Rel seq{c_.old.sequence_schema, c_.old.sequence};
  const std::string& col = op_.column;
  const bool always = c_.old.identity_kind == 'a';
  const auto old_range = ddl::IntegerRange(c_.old.type).value_or(std::pair<int64_t, int64_t>{0, 0});
  const ddl::Rel tmp{seq.schema, BoundedName({"_pgphase_tmp", seq.name})};
  before_key.forward.push_back(
      ddl::MoveIdentity(table_, OldName(col), col, seq, always, old_range));
  before_key.reverse.push_back(
      ddl::IdentityToDefault(table_, col, OldName(col), seq, tmp, c_.old.type));
  after.after_reverse.push_back(ddl::DefaultToIdentity(table_, col, tmp, seq, always));
}

// Dropped before the key moves (a foreign key depends on the key's index), re-created after
// it on the new columns and validated once the swap has committed. Reversing swap: one to a
// unique constraint goes back to the old columns in the inverse transaction (the old
// constraint is still there); one to the primary key stays on the new columns until the old
// key is back (RestorePrimaryKey).
void ReferencedKeyPlanner::RecreateForeignKeys(SwapChange& drop, SwapChange& swap) {
  for (const Referencing& r : refs_) {
    const ddl::Rel child{r.table->schema, r.table->name};
    const std::string& key = op_.column;
    drop.forward.push_back(ddl::DropConstraintStrict(child, r.fk->name));
    swap.forward.push_back(
        ddl::AddForeignKeyNotValid(child, ForeignKeyAsIs(*r.fk, "", "", "", "")));
    Step validate;
    validate.id = fmt::format("swap.{}.{}.validate", r.table->name, r.fk->name);
    validate.summary = "validate the re-created foreign key " + r.fk->name +
                       " without blocking writes, now that the swap has committed";
    validate.statement = ddl::ValidateConstraint(child, r.fk->name);
    b_.AddAfterTableWork(Phase::kSwap, std::move(validate));
    if (ToPrimaryKey(r)) continue;
    swap.reverse.push_back(ddl::DropConstraintStrict(child, r.fk->name));
    // Before the renames are undone: the old columns by their names from swap on.
    drop.reverse.push_back(ddl::AddForeignKeyNotValid(
        child, ForeignKeyAsIs(*r.fk, r.column, r.changes ? OldName(r.column) : r.column, key,
                              OldName(key))));
    swap.after_reverse.push_back(ddl::ValidateConstraint(child, r.fk->name));
  }
}

// After the reverse transaction and the old column's NOT NULL: the old key's index built
// concurrently; in one transaction the foreign keys leave the new key for the old one;
// validated; validate's index on the new column built again.
void ReferencedKeyPlanner::RestorePrimaryKey(SwapChange& swap) const {
  if (!c_.caller_restores_key) return;
  const IndexInfo* pk = nullptr;
  for (const auto& i : c_.before->indexes)
    if (i.primary) pk = &i;
  std::vector<std::string> shadow_columns = pk->columns;
  for (auto& n : shadow_columns)
    if (n == op_.column) n = ShadowColumnName(op_.column);
  std::vector<Statement> move, validate;
  for (const Referencing& r : refs_) {
    if (!ToPrimaryKey(r)) continue;
    const ddl::Rel child{r.table->schema, r.table->name};
    move.push_back(ddl::DropConstraintStrict(child, r.fk->name));
    validate.push_back(ddl::ValidateConstraint(child, r.fk->name));
  }
  move.push_back(ddl::DropConstraintStrict(table_, pk->name));
  move.push_back(ddl::AddConstraintUsingIndex(table_, pk->name, true, OldName(pk->name)));
  for (const Referencing& r : refs_) {
    if (!ToPrimaryKey(r)) continue;
    // The referencing table's own swap is reversed after this one (in the same transaction
    // when it is the key's table).
    const bool renamed_back = !r.changes || r.table->name == t_.name;
    move.push_back(ddl::AddForeignKeyNotValid(
        {r.table->schema, r.table->name},
        ForeignKeyAsIs(*r.fk, r.column, renamed_back ? r.column : OldName(r.column), "", "")));
  }
  swap.after_reverse.push_back(ddl::CreateIndexConcurrently(
      table_, ddl::PlainIndex(OldName(pk->name), pk->columns, true), /*if_not_exists=*/true));
  swap.after_reverse.push_back(ddl::Transaction(move));
  swap.after_reverse.insert(swap.after_reverse.end(), validate.begin(), validate.end());
  swap.after_reverse.push_back(ddl::CreateIndexConcurrently(
      table_, ddl::PlainIndex(BoundedName({"_pgphase_new", pk->name}), shadow_columns, true),
      /*if_not_exists=*/true));
}

bool ReferencedKeyPlanner::ToPrimaryKey(const Referencing& r) const {
  std::vector<std::string> a = r.fk->ref_columns, k = c_.before->primary_key;
  std::sort(a.begin(), a.end());
  std::sort(k.begin(), k.end());
  return a == k;
}

// Reversing swap loses no value: refused while the new columns hold one the old type cannot.
void ReferencedKeyPlanner::ReverseGuards(SwapChange& swap) const {
  const auto range = ddl::IntegerRange(c_.old.type);
  if (!range || !ddl::IntegerRange(c_.new_type)) return;
  swap.reverse.push_back(ddl::RefuseValuesOutside(table_, op_.column, *range, c_.old.type,
                                                  KeyNames(b_.BeforePlan(t_))));
  for (const Referencing& r : refs_) {
    if (!r.changes || r.table->name == t_.name) continue;
    swap.reverse.push_back(ddl::RefuseValuesOutside({r.table->schema, r.table->name}, r.column,
                                                    *range, c_.old.type,
                                                    KeyNames(b_.BeforePlan(*r.table))));
  }
}

Status ReferencedKeyPlanner::Plan() {
  if (!c_.old.sequence.empty() && !ddl::IntegerRange(c_.new_type))
    return Invalid(where_, c_.kind,
                   fmt::format("type: column {} takes its values from sequence {}, so it can only "
                               "become another integer type (smallint, integer, bigint)",
                               QuoteIdent(op_.column), QuoteIdent(c_.old.sequence)));
  PGPHASE_RETURN_IF_ERROR(PlanReferencingColumns());
  if (!c_.old.sequence.empty()) c_.referencing.push_back(c_.old.sequence);
  c_.default_moves_at_swap =
      !c_.old.sequence.empty() && (c_.old.identity || (c_.old.default_expr && !op_.set_default));
  c_.caller_restores_key = std::any_of(refs_.begin(), refs_.end(),
                                       [&](const Referencing& r) { return ToPrimaryKey(r); });
  // Before the key's own swap changes (`before_key`) and after them (`after`).
  SwapChange before_key, after;
  ReverseGuards(after);
  RecreateForeignKeys(before_key, after);
  MoveIdentity(before_key, after);
  b_.Swap(t_, std::move(before_key));
  PGPHASE_RETURN_IF_ERROR(PlanAlterColumnShadow(op_, where_, c_, b_));
  MoveSequence(after);
  RestorePrimaryKey(after);
  b_.Swap(t_, std::move(after));
  return Status::Ok();
}

}  // namespace

bool IsReferencedKeyChange(const AlterColumnChange& c, const PlanBuilder& b) {
  if (!c.type_changed || c.pair || c.before == nullptr) return false;
  const ColumnInfo* col = c.before->FindColumn(c.old.name);
  if (col == nullptr) return false;
  if (!col->sequence.empty()) return true;
  return !FindReferencing(*c.before, c.old.name, c.old.type, b.original_catalog()).empty();
}

Status PlanReferencedKeyChange(const AlterColumnOp& op, const SourceLocation& where,
                               AlterColumnChange& c, PlanBuilder& b) {
  return ReferencedKeyPlanner(op, where, c, b).Plan();
}

}  // namespace pgphase
