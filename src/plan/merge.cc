// Several operations on one column in one migration, combined before planning.
//
// The phases give every column one path (expand ... contract), so a column that an earlier
// operation of the same migration creates or changes cannot take a second path of its own.
// Instead the later operation is folded into the earlier one:
//   add_column c   + alter_column c   one add_column of the final shape; `up` composed
//                                     (the alter's `up` reads c: it reads the add's `up`)
//   create_table   + alter_column c   the column spec of the final shape (no rows to copy)
//   alter_column c + alter_column c   one alter_column from the column as it is to the final
//                                     shape; `up` and `down` composed
//   rename_column  + alter_column     one alter_column that also renames
//   rename_column or alter_column c + create_constraint on c alone (a check or foreign key
//                                     whose `up` transforms c): one alter_column that also
//                                     gives c the constraint, as its `check` or `references`
//   any of them    + rename_column    the earlier operation gives the final name
// A rename_table in between does not stop the folding (later operations name the table by its
// new name). Folding is only done while no other operation of the migration has used the table in
// between (an index, a constraint, `sql`, a reference to it): those saw the column as the
// earlier operation left it, so the later one is planned on its own and, where it needs
// a path the column already has, refused with the reason.
#include "plan/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "pgphase/ddl_column.h"
#include "pgphase/sql.h"
#include "plan/check.h"

namespace pgphase {
namespace {

Status Refuse(const SourceLocation& where, const std::string& kind, const std::string& what) {
  return Status::Invalid(fmt::format("{}: {}: {}", where.ToString(), kind, what));
}

// `outer` with references to `column` replaced by (`inner`). Each must be one expression on
// its own (so neither can close the other's parenthesis), named at its own location.
Result<SqlExpr> Compose(const SqlExpr& outer, const std::string& column, const SqlExpr& inner,
                        const std::string& kind, const std::string& field) {
  for (const SqlExpr* e : {&outer, &inner}) {
    if (Result<ExprAnalysis> a = AnalyzeExpression(e->text); !a.ok())
      return Refuse(e->where, kind, field + ": " + a.status().message());
  }
  // In parentheses of its own too: "1) + (2" is accepted as one expression because it is
  // always embedded as "(1) + (2)"; as an operand that must stay one term.
  Result<std::string> r = ddl::ReplaceColumnRefs(outer.text, column, EmbedExpression(inner.text));
  if (!r.ok()) return Refuse(outer.where, kind, field + ": " + r.status().message());
  return SqlExpr{*r, outer.where};
}

Status RenameIn(std::optional<CheckSpec>& check, const std::string& from, const std::string& to,
                const std::string& kind) {
  if (!check || from == to) return Status::Ok();
  Result<std::string> r = ddl::RenameColumnRefs(check->constraint.text, from, to);
  if (!r.ok()) return Refuse(check->constraint.where, kind, "check: " + r.status().message());
  check->constraint.text = *r;
  return Status::Ok();
}

// `value` as column `name` of type `to` would hold it: CAST when the type changes.
std::string Converted(const std::string& name, const std::optional<std::string>& to) {
  return to ? fmt::format("CAST({} AS {})", QuoteIdent(name), *to) : QuoteIdent(name);
}

// Refuses when both operations set `field` (two checks, two foreign keys, two uniques).
template <class T>
Status Exclusive(const std::optional<T>& earlier, const std::optional<T>& later,
                 const std::string& field, const std::string& column, const SourceLocation& where) {
  if (!earlier || !later) return Status::Ok();
  return Refuse(where, "alter_column",
                fmt::format("{}: an earlier operation of this migration already gives column {} "
                            "a {}; give both in one operation or split the migration",
                            field, QuoteIdent(column), field));
}

// add_column c + alter_column c: the column is added in its final shape.
Status IntoAddColumn(AddColumnOp& add, const AlterColumnOp& alter, const SourceLocation& where) {
  ColumnSpec& col = add.column;
  const std::string old_name = col.name;
  const std::string name = alter.name.value_or(col.name);
  const std::string kind = "alter_column";
  PGPHASE_RETURN_IF_ERROR(Exclusive(col.check, alter.check, "check", old_name, where));
  PGPHASE_RETURN_IF_ERROR(
      Exclusive(col.references, alter.references, "references", old_name, where));
  if (alter.unique_name && (col.unique || col.pk))
    return Refuse(where, kind, "unique: column " + QuoteIdent(old_name) + " is already unique");
  // What existing rows hold in the column as added: its `up`, else its default, else NULL.
  if (alter.up) {
    const SqlExpr added = add.up ? *add.up
                          : col.default_value
                              ? *col.default_value
                              : SqlExpr{fmt::format("CAST(NULL AS {})", col.type), col.where};
    auto up = Compose(*alter.up, old_name, added, kind, "up");
    if (!up.ok()) return up.status();
    add.up = *up;
  } else if (add.up && alter.type) {
    add.up->text = fmt::format("CAST(({}) AS {})", add.up->text, *alter.type);
  }
  if (alter.type) col.type = *alter.type;
  if (alter.nullable) col.nullable = *alter.nullable;
  if (alter.set_default) col.default_value = alter.default_value;
  if (alter.set_comment) col.comment = alter.comment;
  if (alter.unique_name) {
    col.unique = true;
    col.unique_name = alter.unique_name;
  }
  if (alter.check) col.check = alter.check;
  if (alter.references) col.references = alter.references;
  PGPHASE_RETURN_IF_ERROR(RenameIn(col.check, old_name, name, kind));
  col.name = name;
  return Status::Ok();
}

// alter_column c + alter_column c (or rename_column turned into an alter_column): one
// change from the column as it is (`original_type`) to the final shape.
Status IntoAlterColumn(AlterColumnOp& first, const AlterColumnOp& second,
                       const std::string& original_type, const SourceLocation& where) {
  const std::string kind = "alter_column";
  const std::string& x = first.column;
  const std::string mid = first.name.value_or(x);
  const std::string last = second.name.value_or(mid);
  PGPHASE_RETURN_IF_ERROR(Exclusive(first.check, second.check, "check", mid, where));
  PGPHASE_RETURN_IF_ERROR(Exclusive(first.references, second.references, "references", mid, where));
  PGPHASE_RETURN_IF_ERROR(Exclusive(first.unique_name, second.unique_name, "unique", mid, where));
  const std::optional<std::string> mid_type = first.type;
  // Composed also when both convert, so a value takes the middle type on its way (a
  // narrowing first type truncates, as two migrations would).
  if (first.up || second.up || (first.type && second.type)) {
    // up: old row -> first's column -> second's column.
    const SqlExpr inner = first.up ? *first.up : SqlExpr{Converted(x, first.type), where};
    const SqlExpr outer = second.up ? *second.up : SqlExpr{Converted(mid, second.type), where};
    auto up = Compose(outer, mid, inner, kind, "up");
    if (!up.ok()) return up.status();
    first.up = *up;
  }
  if (first.down || second.down || (first.type && second.type)) {
    // down: new row -> first's column -> the old column.
    const SqlExpr inner =
        second.down ? *second.down
                    : SqlExpr{Converted(last, second.type ? std::optional<std::string>(
                                                                mid_type.value_or(original_type))
                                                          : std::nullopt),
                              where};
    const SqlExpr outer =
        first.down ? *first.down
                   : SqlExpr{Converted(mid, first.type ? std::optional<std::string>(original_type)
                                                       : std::nullopt),
                             where};
    auto down = Compose(outer, mid, inner, kind, "down");
    if (!down.ok()) return down.status();
    first.down = *down;
  }
  if (second.type) first.type = second.type;
  // Opposite nullabilities cancel: each is valid only from the other state (alter_column.cc
  // refuses NOT NULL on a column that has it), so the column ends as it began.
  if (second.nullable)
    first.nullable =
        first.nullable && *first.nullable != *second.nullable ? std::nullopt : second.nullable;
  if (second.set_default) {
    first.set_default = true;
    first.default_value = second.default_value;
  }
  if (second.set_comment) {
    first.set_comment = true;
    first.comment = second.comment;
  }
  if (second.unique_name) first.unique_name = second.unique_name;
  if (second.check) first.check = second.check;
  if (second.references) first.references = second.references;
  PGPHASE_RETURN_IF_ERROR(RenameIn(first.check, mid, last, kind));
  first.name = last == x ? std::nullopt : std::optional<std::string>(last);
  return Status::Ok();
}

// create_table + alter_column c: the column spec in its final shape. Renames and named
// uniques stay separate operations (table constraints name the column; the unique
// constraint of a column spec is named by PostgreSQL).
bool FoldableIntoCreateTable(const AlterColumnOp& alter) {
  return !alter.name && !alter.unique_name;
}

Status IntoCreateTable(ColumnSpec& col, const AlterColumnOp& alter, const SourceLocation& where) {
  PGPHASE_RETURN_IF_ERROR(Exclusive(col.check, alter.check, "check", col.name, where));
  PGPHASE_RETURN_IF_ERROR(
      Exclusive(col.references, alter.references, "references", col.name, where));
  if (alter.type) col.type = *alter.type;
  if (alter.nullable) col.nullable = *alter.nullable;
  if (alter.set_default) col.default_value = alter.default_value;
  if (alter.set_comment) col.comment = alter.comment;
  if (alter.check) col.check = alter.check;
  if (alter.references) col.references = alter.references;
  return Status::Ok();
}

// A check or foreign key on one column whose `up` transforms it, as the alter_column that
// gives the column that constraint with that `up` and `down`, so that it can be combined with
// an earlier change of the column (the column then takes one path, through one new column,
// instead of two); nullopt for any other create_constraint.
std::optional<AlterColumnOp> AsAlterColumn(const CreateConstraintOp& op) {
  const ConstraintSpec& c = op.constraint;
  if (c.columns.size() != 1) return std::nullopt;
  const std::string& column = c.columns[0];
  const ColumnExpr* up = ExprFor(op.up, column);
  auto only_column = [&](const std::vector<ColumnExpr>& exprs) {
    return std::all_of(exprs.begin(), exprs.end(),
                       [&](const ColumnExpr& e) { return e.column == column; });
  };
  if (up == nullptr || IsIdentity(*up) || !only_column(op.up) || !only_column(op.down))
    return std::nullopt;
  AlterColumnOp alter;
  alter.table = op.table;
  alter.column = column;
  alter.up = up->expr;
  if (const ColumnExpr* down = ExprFor(op.down, column)) alter.down = down->expr;
  if (c.type == "check" && c.check) {
    alter.check = CheckSpec{c.name, *c.check, c.no_inherit};
  } else if (c.type == "foreign_key" && c.ref_columns.size() == 1) {
    alter.references =
        ReferencesSpec{c.name,      c.ref_table,  c.ref_columns[0], c.on_delete,
                       c.on_update, c.match_type, c.deferrable,     c.initially_deferred};
  } else {
    return std::nullopt;
  }
  return alter;
}

// Tables an operation uses besides the column it adds, changes or renames: its own table
// for anything that is not a column operation, and every table it references.
std::vector<std::string> TablesUsed(const Operation& op) {
  std::vector<std::string> out;
  auto ref = [&](const std::optional<ReferencesSpec>& r) {
    if (r) out.push_back(r->table);
  };
  if (auto* o = std::get_if<AddColumnOp>(&op)) ref(o->column.references);
  if (auto* o = std::get_if<AlterColumnOp>(&op)) ref(o->references);
  if (auto* o = std::get_if<CreateTableOp>(&op)) {
    for (const auto& c : o->columns) ref(c.references);
    for (const auto& c : o->constraints)
      if (!c.ref_table.empty()) out.push_back(c.ref_table);
  }
  if (auto* o = std::get_if<DropTableOp>(&op)) out.push_back(o->name);
  if (auto* o = std::get_if<RenameTableOp>(&op)) out.insert(out.end(), {o->from, o->to});
  if (auto* o = std::get_if<CreateIndexOp>(&op)) out.push_back(o->table);
  if (auto* o = std::get_if<CreateConstraintOp>(&op)) {
    out.push_back(o->table);
    if (!o->constraint.ref_table.empty()) out.push_back(o->constraint.ref_table);
  }
  if (auto* o = std::get_if<DropConstraintOp>(&op)) out.push_back(o->table);
  if (auto* o = std::get_if<DropMulticolumnConstraintOp>(&op)) out.push_back(o->table);
  if (auto* o = std::get_if<RenameConstraintOp>(&op)) out.push_back(o->table);
  if (auto* o = std::get_if<SetReplicaIdentityOp>(&op)) out.push_back(o->table);
  return out;
}

class Merger {
 public:
  Merger(const ChangeSpec& spec, const CatalogSnapshot& catalog)
      : schema_(spec.settings.schema), catalog_(catalog) {}

  Status Add(const OperationEntry& entry) {
    if (std::holds_alternative<SqlOp>(entry.op) || std::holds_alternative<DropIndexOp>(entry.op)) {
      origins_.clear();  // `sql` may use anything; drop_index names no table
    }
    if (auto* rename = std::get_if<RenameTableOp>(&entry.op)) {
      RenameTable(*rename);
      out_.push_back(entry);
      return Status::Ok();
    }
    if (!table_names_.empty()) {
      OperationEntry renamed = entry;
      ReferToTablesAsTheyAre(renamed.op);
      return AddEntry(renamed);
    }
    return AddEntry(entry);
  }

  std::vector<OperationEntry> Take() { return std::move(out_); }
  std::vector<std::string> TakeNotes() { return std::move(notes_); }

 private:
  using Key = std::pair<std::string, std::string>;  // table, column

  // A foreign key to a table renamed earlier in the migration references it by the name it
  // has until contract (its new name is a view until then).
  void ReferToTablesAsTheyAre(Operation& op) const {
    auto physical = [&](std::string& table) {
      if (auto it = table_names_.find(table); it != table_names_.end()) table = it->second;
    };
    auto ref = [&](std::optional<ReferencesSpec>& r) {
      if (r) physical(r->table);
    };
    if (auto* o = std::get_if<AddColumnOp>(&op)) ref(o->column.references);
    if (auto* o = std::get_if<AlterColumnOp>(&op)) ref(o->references);
    if (auto* o = std::get_if<CreateTableOp>(&op)) {
      for (auto& c : o->columns) ref(c.references);
      for (auto& c : o->constraints)
        if (!c.ref_table.empty()) physical(c.ref_table);
    }
    if (auto* o = std::get_if<CreateConstraintOp>(&op))
      if (!o->constraint.ref_table.empty()) physical(o->constraint.ref_table);
  }

  Status AddEntry(const OperationEntry& entry) {
    if (auto* create = std::get_if<CreateConstraintOp>(&entry.op)) {
      if (std::optional<AlterColumnOp> alter = AsAlterColumn(*create)) {
        for (const auto& t : TablesUsed(*alter)) Forget(t);
        if (ChangedEarlier(*alter)) return AddAlter(entry, *alter);
      }
    }
    for (const auto& t : TablesUsed(entry.op)) Forget(t);
    if (auto* alter = std::get_if<AlterColumnOp>(&entry.op)) return AddAlter(entry, *alter);
    if (auto* rename = std::get_if<RenameColumnOp>(&entry.op)) return AddRename(entry, *rename);
    const size_t at = out_.size();
    out_.push_back(entry);
    if (auto* add = std::get_if<AddColumnOp>(&entry.op))
      origins_[{add->table, add->column.name}] = at;
    if (auto* create = std::get_if<CreateTableOp>(&entry.op)) {
      for (const auto& c : create->columns) origins_[{create->name, c.name}] = at;
    }
    if (auto* drop = std::get_if<DropColumnOp>(&entry.op))
      origins_.erase({drop->table, drop->column});
    return Status::Ok();
  }

  void Forget(const std::string& table) {
    for (auto it = origins_.begin(); it != origins_.end();)
      it = it->first.first == table ? origins_.erase(it) : std::next(it);
  }

  // Later operations name the table by its new name: what its columns' operations folded
  // into carries over, and the table as it is is found under its name before the migration.
  void RenameTable(const RenameTableOp& rename) {
    std::map<Key, size_t> kept;
    for (auto& [key, at] : origins_)
      kept[{key.first == rename.from ? rename.to : key.first, key.second}] = at;
    origins_ = std::move(kept);
    auto earlier = table_names_.find(rename.from);
    const std::string before = earlier == table_names_.end() ? rename.from : earlier->second;
    // A table the migration creates is renamed at once, in expand: its new name is the table.
    if (catalog_.FindTable(schema_, before) != nullptr) table_names_[rename.to] = before;
  }

  void Moved(const Key& from, const std::string& to, size_t at) {
    origins_.erase(from);
    origins_[{from.first, to}] = at;
  }

  void Combined(const OperationEntry& later, const OperationEntry& into, const std::string& table,
                const std::string& column) {
    notes_.push_back(fmt::format(
        "{} {}.{} ({}) is combined with the earlier {} ({}): the column "
        "takes one path through the phases, to its final shape",
        later.kind, table, column, later.where.ToString(), into.kind, into.where.ToString()));
  }

  // The column an alter_column or rename_column starts from.
  static std::string ColumnBefore(const OperationEntry& e) {
    if (auto* r = std::get_if<RenameColumnOp>(&e.op)) return r->from;
    if (auto* a = std::get_if<AlterColumnOp>(&e.op)) return a->column;
    return "";
  }

  // Whether an earlier rename_column or alter_column of the migration changes the column.
  bool ChangedEarlier(const AlterColumnOp& alter) const {
    auto found = origins_.find({alter.table, alter.column});
    if (found == origins_.end()) return false;
    const Operation& op = out_[found->second].op;
    return std::holds_alternative<RenameColumnOp>(op) || std::holds_alternative<AlterColumnOp>(op);
  }

  std::string OriginalType(const std::string& table, const std::string& column) const {
    auto renamed = table_names_.find(table);
    const TableInfo* t =
        catalog_.FindTable(schema_, renamed == table_names_.end() ? table : renamed->second);
    const ColumnInfo* c = t ? t->FindColumn(column) : nullptr;
    return c ? c->type : "";
  }

  Status AddAlter(const OperationEntry& entry, const AlterColumnOp& alter) {
    const Key key{alter.table, alter.column};
    const std::string name = alter.name.value_or(alter.column);
    auto found = origins_.find(key);
    if (found == origins_.end()) {
      out_.push_back(entry);
      origins_[{alter.table, name}] = out_.size() - 1;
      return Status::Ok();
    }
    const size_t at = found->second;
    OperationEntry& into = out_[at];
    const OperationEntry earlier = into;
    if (auto* add = std::get_if<AddColumnOp>(&into.op)) {
      PGPHASE_RETURN_IF_ERROR(IntoAddColumn(*add, alter, entry.where));
      if (alter.down) {
        notes_.push_back(
            fmt::format("alter_column {}.{} ({}): `down` is not used: the column is "
                        "new in this migration, so the old application never "
                        "reads it",
                        alter.table, alter.column, entry.where.ToString()));
      }
    } else if (auto* create = std::get_if<CreateTableOp>(&into.op)) {
      if (!FoldableIntoCreateTable(alter)) {
        Forget(alter.table);
        out_.push_back(entry);
        return Status::Ok();
      }
      for (auto& c : create->columns)
        if (c.name == alter.column) PGPHASE_RETURN_IF_ERROR(IntoCreateTable(c, alter, entry.where));
    } else if (OriginalType(alter.table, ColumnBefore(into)).empty()) {
      // Not a column of the table as it is: planned alone, which names what is wrong.
      Forget(alter.table);
      out_.push_back(entry);
      return Status::Ok();
    } else if (auto* rename = std::get_if<RenameColumnOp>(&into.op)) {
      AlterColumnOp first;
      first.table = rename->table;
      first.column = rename->from;
      first.name = rename->to;
      const std::string type = OriginalType(first.table, first.column);
      PGPHASE_RETURN_IF_ERROR(IntoAlterColumn(first, alter, type, entry.where));
      into.kind = "alter_column";
      into.op = std::move(first);
    } else if (auto* first = std::get_if<AlterColumnOp>(&into.op)) {
      const std::string type = OriginalType(first->table, first->column);
      PGPHASE_RETURN_IF_ERROR(IntoAlterColumn(*first, alter, type, entry.where));
    }
    Combined(entry, earlier, alter.table, alter.column);
    Moved(key, name, at);
    return Status::Ok();
  }

  Status AddRename(const OperationEntry& entry, const RenameColumnOp& rename) {
    const Key key{rename.table, rename.from};
    auto found = origins_.find(key);
    OperationEntry* into = found == origins_.end() ? nullptr : &out_[found->second];
    if (into == nullptr || std::holds_alternative<CreateTableOp>(into->op)) {
      origins_.erase(key);
      out_.push_back(entry);
      if (into == nullptr) origins_[{rename.table, rename.to}] = out_.size() - 1;
      return Status::Ok();
    }
    const std::string kind = "rename_column";
    if (auto* add = std::get_if<AddColumnOp>(&into->op)) {
      PGPHASE_RETURN_IF_ERROR(RenameIn(add->column.check, rename.from, rename.to, kind));
      add->column.name = rename.to;
    } else if (auto* alter = std::get_if<AlterColumnOp>(&into->op)) {
      PGPHASE_RETURN_IF_ERROR(RenameIn(alter->check, rename.from, rename.to, kind));
      alter->name = rename.to == alter->column ? std::nullopt : std::optional(rename.to);
    } else if (auto* earlier = std::get_if<RenameColumnOp>(&into->op)) {
      earlier->to = rename.to;
    }
    Combined(entry, *into, rename.table, rename.from);
    Moved(key, rename.to, found->second);
    return Status::Ok();
  }

  const std::string& schema_;
  const CatalogSnapshot& catalog_;
  std::vector<OperationEntry> out_;
  std::map<Key, size_t> origins_;  // a column this migration adds or changes -> its operation
  std::map<std::string, std::string> table_names_;  // a table's new name -> its name before
  std::vector<std::string> notes_;
};

}  // namespace

Result<ChangeSpec> CombineColumnOperations(const ChangeSpec& spec, const CatalogSnapshot& catalog,
                                           std::vector<std::string>* notes) {
  Merger m(spec, catalog);
  for (const OperationEntry& entry : spec.operations) PGPHASE_RETURN_IF_ERROR(m.Add(entry));
  ChangeSpec out = spec;
  out.operations = m.Take();
  *notes = m.TakeNotes();
  return out;
}

}  // namespace pgphase
