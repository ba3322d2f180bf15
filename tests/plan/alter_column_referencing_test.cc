// alter_column of a key other tables reference (the full SQL is in
// tests/golden/column_alter_referenced_key.sql).
#include <gtest/gtest.h>

#include <algorithm>

#include "pgphase/plan.h"
#include "plan/fake_catalog.h"

namespace pgphase {
namespace {

using testing::FakeCatalog;
using testing::Notes;
using testing::PlanYaml;

const char* kOrdersToBigint =
    "operations:\n  - alter_column: {table: orders, column: id, type: bigint}\n";

const Step& StepOf(const Plan& p, Phase phase, const std::string& id) {
  for (const Step& s : p.phase(phase).steps)
    if (s.id == id) return s;
  ADD_FAILURE() << "no step " << id;
  static const Step none;
  return none;
}

std::string ReverseSql(const Step& s) {
  std::string out;
  for (const Statement& r : s.reverse) out += r.sql + "\n";
  return out;
}

// Position of `part` in `sql`, failing when it is not there.
size_t At(const std::string& sql, const std::string& part) {
  const size_t at = sql.find(part);
  EXPECT_NE(at, std::string::npos) << part << "\nnot in\n" << sql;
  return at;
}

TEST(ReferencedKeyPlanTest, ReferencingColumnsAreFoundAndChangedWithTheKey) {
  auto plan = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->tables,
            (std::vector<std::string>{"public.order_items", "public.orders", "public.payments"}));
  EXPECT_NE(Notes(*plan).find("orders.id: changes to bigint with it: order_items.order_id, "
                              "payments.order_id"),
            std::string::npos)
      << Notes(*plan);
  for (const char* id : {"expand.order_items.order_id.shadow", "expand.payments.order_id.shadow",
                         "expand.orders.id.shadow"})
    EXPECT_NE(StepOf(*plan, Phase::kExpand, id).statement->sql.find("bigint"), std::string::npos);
  // The referencing column's index is rebuilt on its shadow.
  StepOf(*plan, Phase::kValidate, "validate.order_items.order_id.index.order_items_order_id_idx");
}

TEST(ReferencedKeyPlanTest, SwapGoesReferencingTablesFirstThenMovesKeysAndForeignKeys) {
  auto plan = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::vector<std::string> ids;
  for (const Step& s : plan->phase(Phase::kSwap).steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"swap.order_items", "swap.payments", "swap.orders",
                                           "swap.order_items.order_items_order_id_fkey.validate",
                                           "swap.payments.payments_order_id_fkey.validate"}));
  const std::string sql = StepOf(*plan, Phase::kSwap, "swap.orders").statement->sql;
  const size_t drop_fk = At(
      sql, "ALTER TABLE \"public\".\"order_items\" DROP CONSTRAINT \"order_items_order_id_fkey\"");
  const size_t drop_pk = At(sql, "DROP CONSTRAINT IF EXISTS \"orders_pkey\"");
  const size_t attach = At(sql, "PRIMARY KEY USING INDEX \"_pgphase_new_orders_pkey\"");
  const size_t add_fk =
      At(sql,
         "ADD CONSTRAINT \"order_items_order_id_fkey\" FOREIGN KEY (\"order_id\") "
         "REFERENCES \"public\".\"orders\" (\"id\") ON DELETE CASCADE DEFERRABLE "
         "NOT VALID");
  EXPECT_LT(drop_fk, drop_pk);
  EXPECT_LT(attach, add_fk);
  At(sql,
     "ADD CONSTRAINT \"payments_order_id_fkey\" FOREIGN KEY (\"order_id\") REFERENCES "
     "\"public\".\"orders\" (\"id\") NOT VALID");
}

TEST(ReferencedKeyPlanTest, TheSequenceAndDefaultMoveAtSwapNotBefore) {
  auto plan = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (const Step& s : plan->phase(Phase::kExpand).steps)
    EXPECT_EQ(s.statement->sql.find("nextval"), std::string::npos)
        << s.id << ": a default on the shadow would take a second value per insert";
  EXPECT_EQ(Notes(*plan).find("is not carried over"), std::string::npos) << Notes(*plan);
  const Step& swap = StepOf(*plan, Phase::kSwap, "swap.orders");
  const std::string& sql = swap.statement->sql;
  const size_t drop = At(sql, "ALTER COLUMN \"_pgphase_old_id\" DROP DEFAULT");
  const size_t set = At(sql, "ALTER COLUMN \"id\" SET DEFAULT nextval('orders_id_seq'::regclass)");
  EXPECT_LT(drop, set);
  At(sql, "ALTER SEQUENCE \"public\".\"orders_id_seq\" AS bigint");
  At(sql, "ALTER SEQUENCE \"public\".\"orders_id_seq\" OWNED BY \"public\".\"orders\".\"id\"");
  const std::string rev = ReverseSql(swap);
  At(rev, "ALTER SEQUENCE \"public\".\"orders_id_seq\" AS integer");
  At(rev, "OWNED BY \"public\".\"orders\".\"_pgphase_old_id\"");
  At(rev, "ALTER COLUMN \"_pgphase_old_id\" SET DEFAULT nextval('orders_id_seq'::regclass)");
}

TEST(ReferencedKeyPlanTest, ReverseOfSwapRefusesValuesTheOldTypeCannotHoldFirst) {
  auto plan = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& swap = StepOf(*plan, Phase::kSwap, "swap.orders");
  const std::string& inverse = swap.reverse.front().sql;
  const size_t key = At(inverse,
                        "FROM \"public\".\"orders\" WHERE \"id\" NOT BETWEEN -2147483648 AND "
                        "2147483647");
  At(inverse, "FROM \"public\".\"order_items\" WHERE \"order_id\" NOT BETWEEN -2147483648");
  At(inverse, "FROM \"public\".\"payments\" WHERE \"order_id\" NOT BETWEEN -2147483648");
  EXPECT_LT(key, At(inverse, "ALTER SEQUENCE"));
}

// The foreign keys never go missing: the inverse transaction keeps the new key and the
// foreign keys to it; once the old key's index is built, one transaction moves them back.
TEST(ReferencedKeyPlanTest, ReverseKeepsTheNewKeyUntilTheOldOneIsBack) {
  auto plan = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& swap = StepOf(*plan, Phase::kSwap, "swap.orders");
  const std::string& inverse = swap.reverse.front().sql;
  EXPECT_EQ(inverse.find("DROP CONSTRAINT \"order_items_order_id_fkey\""), std::string::npos);
  EXPECT_EQ(inverse.find("\"orders_pkey\""), std::string::npos);
  const std::string rev = ReverseSql(swap);
  const size_t old_index = At(rev,
                              "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
                              "\"_pgphase_old_orders_pkey\" ON \"public\".\"orders\" (\"id\")");
  const size_t drop_fk = At(rev, "DROP CONSTRAINT \"order_items_order_id_fkey\"");
  const size_t drop_key = At(rev, "DROP CONSTRAINT \"orders_pkey\"");
  const size_t attach = At(rev, "PRIMARY KEY USING INDEX \"_pgphase_old_orders_pkey\"");
  const size_t add_fk = At(rev,
                           "ADD CONSTRAINT \"order_items_order_id_fkey\" FOREIGN KEY "
                           "(\"_pgphase_old_order_id\") REFERENCES \"public\".\"orders\" (\"id\")");
  EXPECT_LT(old_index, drop_fk);
  EXPECT_LT(drop_fk, drop_key);
  EXPECT_LT(drop_key, attach);
  EXPECT_LT(attach, add_fk);
  At(rev, "VALIDATE CONSTRAINT \"payments_order_id_fkey\"");
  EXPECT_EQ(swap.reverse.back().sql,
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"_pgphase_new_orders_pkey\" ON "
            "\"public\".\"orders\" (\"_pgphase_new_id\")")
      << "validate's state";
}

TEST(ReferencedKeyPlanTest, AReferencingColumnOfAnotherTypeKeepsItsTypeAndItsForeignKeyMoves) {
  CatalogSnapshot c = FakeCatalog();
  c.FindTable("public", "payments")->columns[1].type = "bigint";
  auto plan = PlanYaml(kOrdersToBigint, c);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (const Step& s : plan->phase(Phase::kExpand).steps)
    EXPECT_EQ(s.id.find("payments"), std::string::npos) << s.id;
  const Step& swap = StepOf(*plan, Phase::kSwap, "swap.orders");
  At(swap.statement->sql, "\"payments\" DROP CONSTRAINT \"payments_order_id_fkey\"");
  At(ReverseSql(swap), "\"payments_order_id_fkey\" FOREIGN KEY (\"order_id\")");
}

TEST(ReferencedKeyPlanTest, AnEarlierOperationOnTheKeysTableIsRefused) {
  auto plan = PlanYaml(
      "operations:\n  - alter_column: {table: orders, column: note, nullable: false, up: "
      "\"coalesce(note, '')\"}\n"
      "  - alter_column: {table: orders, column: id, type: bigint}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find("its swap must come after the referencing tables'"),
            std::string::npos)
      << plan.status().message();
}

TEST(ReferencedKeyPlanTest, ASequenceColumnOnlyBecomesAnotherIntegerType) {
  auto plan =
      PlanYaml("operations:\n  - alter_column: {table: orders, column: id, type: numeric}\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), ExitCode::kInvalid);
  EXPECT_NE(plan.status().message().find("takes its values from sequence \"orders_id_seq\""),
            std::string::npos)
      << plan.status().message();
  EXPECT_TRUE(
      PlanYaml("operations:\n  - alter_column: {table: orders, column: id, type: int8}\n").ok());
}

// Without a referencing foreign key the sequence still moves (contract would drop it with the
// old column otherwise).
TEST(ReferencedKeyPlanTest, ASerialKeyAloneMovesItsSequence) {
  CatalogSnapshot c = FakeCatalog();
  for (const char* t : {"order_items", "payments"}) {
    auto& cons = c.FindTable("public", t)->constraints;
    cons.erase(std::remove_if(cons.begin(), cons.end(),
                              [](const ConstraintInfo& k) { return k.type == 'f'; }),
               cons.end());
  }
  c.FindTable("public", "orders")->columns[0].dependents = {"sequence orders_id_seq"};
  auto plan = PlanYaml(kOrdersToBigint, c);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->tables, (std::vector<std::string>{"public.orders"}));
  At(StepOf(*plan, Phase::kSwap, "swap.orders").statement->sql,
     "OWNED BY \"public\".\"orders\".\"id\"");
}

// The spec may name a referencing column too, before or after the key: planned once.
TEST(ReferencedKeyPlanTest, AReferencingColumnNamedInTheSpecIsPlannedWithTheKey) {
  auto automatic = PlanYaml(kOrdersToBigint);
  ASSERT_TRUE(automatic.ok()) << automatic.status().message();
  for (const char* yaml :
       {"operations:\n  - alter_column: {table: order_items, column: order_id, type: int8}\n"
        "  - alter_column: {table: orders, column: id, type: bigint}\n",
        "operations:\n  - alter_column: {table: orders, column: id, type: bigint}\n"
        "  - alter_column: {table: payments, column: order_id, type: bigint}\n"}) {
    auto plan = PlanYaml(yaml);
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    EXPECT_NE(Notes(*plan).find(": planned with alter_column orders.id, whose foreign key it is"),
              std::string::npos)
        << Notes(*plan);
    for (Phase phase : {Phase::kExpand, Phase::kSwap})
      EXPECT_EQ(plan->phase(phase).steps.size(), automatic->phase(phase).steps.size());
  }
  // With anything besides the type, it is an operation of its own.
  auto own = PlanYaml(
      "operations:\n  - alter_column: {table: payments, column: order_id, type: bigint, up: "
      "order_id + 0}\n  - alter_column: {table: orders, column: id, type: bigint}\n");
  ASSERT_FALSE(own.ok());
  EXPECT_NE(own.status().message().find("constraint payments_order_id_fkey"), std::string::npos)
      << own.status().message();
}

TEST(ReferencedKeyPlanTest, AnIdentityMovesAtSwapAndComesBackAfterNotNull) {
  CatalogSnapshot c = FakeCatalog();
  ColumnInfo& id = c.FindTable("public", "orders")->columns[0];
  id.default_expr.reset();
  id.identity = true;
  id.identity_kind = 'a';
  id.dependents.pop_back();  // an identity's sequence is internal to it
  auto plan = PlanYaml(kOrdersToBigint, c);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const Step& swap = StepOf(*plan, Phase::kSwap, "swap.orders");
  const std::string& sql = swap.statement->sql;
  const size_t drop = At(sql, "ALTER COLUMN \"_pgphase_old_id\" DROP IDENTITY");
  const size_t add = At(sql,
                        "ALTER COLUMN \"id\" ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "
                        "\"public\".\"orders_id_seq\" ");
  EXPECT_LT(drop, add);
  At(sql, "PERFORM pg_catalog.setval(seq, v, called)");
  EXPECT_EQ(sql.find("ALTER SEQUENCE"), std::string::npos);
  const std::string rev = ReverseSql(swap);
  const size_t to_default = At(rev,
                               "ALTER COLUMN \"_pgphase_old_id\" SET DEFAULT "
                               "pg_catalog.nextval('\"public\".\"_pgphase_tmp_orders_id_seq\"'");
  const size_t not_null = At(rev, "ALTER COLUMN \"id\" SET NOT NULL");
  const size_t back = At(rev, "ALTER COLUMN \"id\" ADD GENERATED ALWAYS AS IDENTITY");
  EXPECT_LT(to_default, not_null);
  EXPECT_LT(not_null, back);
  At(rev, "DROP SEQUENCE \"public\".\"_pgphase_tmp_orders_id_seq\"");
}

}  // namespace
}  // namespace pgphase
