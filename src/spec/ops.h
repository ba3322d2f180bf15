// One reader per operation (private to the spec module). `key` is the operation's name
// as written (for errors about the operation as a whole), `v` the value under it.
// Each lives in spec/ops/<operation>.cc (drop_multicolumn_constraint in
// drop_constraint.cc, with which it shares DropConstraintOp); the shapes several
// operations share are read by spec/column.h.
#pragma once

#include "pgphase/spec.h"
#include "spec/yaml_value.h"

namespace pgphase::spec_internal {

using ReadOperationFn = Status (*)(const Value& key, const Value& v, Operation* out);

Status ReadAddColumnOp(const Value& key, const Value& v, Operation* out);
Status ReadCreateTable(const Value& key, const Value& v, Operation* out);
Status ReadDropTable(const Value& key, const Value& v, Operation* out);
Status ReadRenameTable(const Value& key, const Value& v, Operation* out);
Status ReadSetReplicaIdentity(const Value& key, const Value& v, Operation* out);
Status ReadSql(const Value& key, const Value& v, Operation* out);
Status ReadAlterColumn(const Value& key, const Value& v, Operation* out);
Status ReadDropColumn(const Value& key, const Value& v, Operation* out);
Status ReadRenameColumn(const Value& key, const Value& v, Operation* out);
Status ReadCreateIndex(const Value& key, const Value& v, Operation* out);
Status ReadDropIndex(const Value& key, const Value& v, Operation* out);
Status ReadCreateConstraint(const Value& key, const Value& v, Operation* out);
Status ReadDropConstraint(const Value& key, const Value& v, Operation* out);
Status ReadDropMulticolumnConstraint(const Value& key, const Value& v, Operation* out);
Status ReadRenameConstraint(const Value& key, const Value& v, Operation* out);

}  // namespace pgphase::spec_internal
