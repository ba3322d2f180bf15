// One reader per operation (private to the spec module). `key` is the operation's name
// as written (for errors about the operation as a whole), `v` the value under it.
// Each group of operations lives in its own file: table_ops.cc, column_ops.cc,
// index_ops.cc, constraint_ops.cc; add_column in add_column.cc.
#pragma once

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

using ReadOperationFn = Status (*)(const Value& key, const Value& v, Operation* out);

// "operation X is not supported yet" at `key`: for operations still being built.
Status NotSupportedYet(const Value& key);

Status ReadAddColumnOp(const Value& key, const Value& v, Operation* out);
// table_ops.cc
Status ReadCreateTable(const Value& key, const Value& v, Operation* out);
Status ReadDropTable(const Value& key, const Value& v, Operation* out);
Status ReadRenameTable(const Value& key, const Value& v, Operation* out);
Status ReadSetReplicaIdentity(const Value& key, const Value& v, Operation* out);
Status ReadSql(const Value& key, const Value& v, Operation* out);
// column_ops.cc
Status ReadAlterColumn(const Value& key, const Value& v, Operation* out);
Status ReadDropColumn(const Value& key, const Value& v, Operation* out);
Status ReadRenameColumn(const Value& key, const Value& v, Operation* out);
// index_ops.cc
Status ReadCreateIndex(const Value& key, const Value& v, Operation* out);
Status ReadDropIndex(const Value& key, const Value& v, Operation* out);
// constraint_ops.cc
Status ReadCreateConstraint(const Value& key, const Value& v, Operation* out);
Status ReadDropConstraint(const Value& key, const Value& v, Operation* out);
Status ReadDropMulticolumnConstraint(const Value& key, const Value& v, Operation* out);
Status ReadRenameConstraint(const Value& key, const Value& v, Operation* out);

}  // namespace pgphase::spec_internal
