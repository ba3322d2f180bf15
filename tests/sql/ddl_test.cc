// The trigger and backfill builders of ddl.cc (whole plans are in tests/golden).
#include "pgphase/ddl.h"

#include <gtest/gtest.h>

#include "pgphase/ddl_scan.h"

namespace pgphase::ddl {
namespace {

const Rel kTable{"public", "logs"};
const Rel kFn{"pgphase", "sync_logs"};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Fill Shout() { return Fill("shout", "(upper(msg))", {"msg"}); }

TEST(FillTriggerTest, UpdateTriggerIsNarrowedToTheSourcesByDefault) {
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {Shout()})->sql;
  EXPECT_TRUE(Contains(sql, "BEFORE UPDATE OF \"msg\" ON")) << sql;
  EXPECT_FALSE(Contains(sql, "NEW.\"shout\" IS NULL")) << sql;
}

TEST(FillTriggerTest, FillNullOnUpdateFiresOnAnyUpdateWhileTheColumnIsNull) {
  Fill f = Shout();
  f.fill_null_on_update = true;
  const std::string trigger = CreateFillUpdateTrigger("upd", kTable, kFn, {f})->sql;
  EXPECT_EQ(trigger,
            "CREATE TRIGGER \"upd\" BEFORE UPDATE ON \"public\".\"logs\" FOR EACH ROW WHEN "
            "((NEW.\"shout\" IS NULL OR (NEW.\"shout\" IS NOT DISTINCT FROM OLD.\"shout\" AND "
            "(NEW.\"msg\" IS DISTINCT FROM OLD.\"msg\")))) "
            "EXECUTE FUNCTION \"pgphase\".\"sync_logs\"()");
  // With a second fill the function tests each fill's own condition.
  const std::string fn =
      CreateFillFunction(kFn, kTable, {f, Fill("label", "(msg || '!')", {"msg"})}).sql;
  EXPECT_TRUE(Contains(fn, "    IF NEW.\"shout\" IS NULL OR (NEW.\"shout\" IS NOT DISTINCT FROM "))
      << fn;
}

// The WHEN of each trigger is the OR of the fills' conditions, evaluated right before the
// call: with one fill the function assigns without testing the condition again; with two
// it must test each, or an UPDATE of one fill's sources would overwrite the other column.
TEST(FillTriggerTest, OneFillIsAssignedWithoutRetestingTheTriggersCondition) {
  const std::string one = CreateFillFunction(kFn, kTable, {Shout()}).sql;
  // INSERT and UPDATE do the same: the body is written once, without IF TG_OP.
  EXPECT_TRUE(Contains(one, "BEGIN\n    NEW.\"shout\" := (upper(msg));\n  RETURN NEW;\n")) << one;
  EXPECT_FALSE(Contains(one, "TG_OP")) << one;
  const std::string two =
      CreateFillFunction(kFn, kTable, {Shout(), Fill("label", "(note || '!')", {"note"})}).sql;
  EXPECT_TRUE(Contains(two, "    IF NEW.\"shout\" IS NULL THEN\n")) << two;
  EXPECT_TRUE(Contains(two, "    IF NEW.\"label\" IS NULL THEN\n")) << two;
  EXPECT_TRUE(Contains(two,
                       "    IF (NEW.\"shout\" IS NOT DISTINCT FROM OLD.\"shout\" AND "
                       "(NEW.\"msg\" IS DISTINCT FROM OLD.\"msg\")) THEN\n"))
      << two;
  EXPECT_TRUE(Contains(two,
                       "    IF (NEW.\"label\" IS NOT DISTINCT FROM OLD.\"label\" AND "
                       "(NEW.\"note\" IS DISTINCT FROM OLD.\"note\")) THEN\n"))
      << two;
}

TEST(FillTriggerTest, FillNullOnUpdateAlsoCoversPgphaseOwnedShadowColumns) {
  Fill f("_pgphase_new_n", "(CAST(n AS bigint))", {"n"});
  f.mode = Fill::Mode::kOwned;
  f.fill_null_on_update = true;
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {f})->sql;
  EXPECT_TRUE(Contains(sql, "BEFORE UPDATE ON")) << sql;
  EXPECT_TRUE(Contains(
      sql, "WHEN ((NEW.\"_pgphase_new_n\" IS NULL OR (NEW.\"n\" IS DISTINCT FROM OLD.\"n\")))"))
      << sql;
}

TEST(FillTriggerTest, OneFillThatFillsWhenNullWidensTheWholeTrigger) {
  Fill other("label", "(msg || '!')", {"msg"});
  Fill f = Shout();
  f.fill_null_on_update = true;
  const std::string sql = CreateFillUpdateTrigger("upd", kTable, kFn, {other, f})->sql;
  EXPECT_FALSE(Contains(sql, " OF ")) << sql;
}

TEST(FillTriggerTest, InsertOnlyFillsNeverGetAnUpdateConditionEvenWhenAskedToFillNulls) {
  Fill f("old", "(new_col)", {"new_col"});
  f.mode = Fill::Mode::kInsertOnly;
  f.fill_null_on_update = true;
  EXPECT_FALSE(CreateFillUpdateTrigger("upd", kTable, kFn, {f}).has_value());
}

TEST(BackfillSqlTest, KeysetBatchFindsItsBoundWithMaxWhenTheKeyTypeAllowsIt) {
  const std::string sql =
      BackfillBatch({"public", "lo\"gs"}, {"id"}, {"bigint"}, {{"shout", "(upper(msg))"}}, false)
          .sql;
  EXPECT_EQ(sql,
            "WITH bound (n, k1) AS (SELECT count(*), max(\"id\") FROM (SELECT \"id\" FROM "
            "\"public\".\"lo\"\"gs\" WHERE (\"id\") > ($1::bigint) ORDER BY \"id\" LIMIT "
            "$2::bigint) batch), "
            "done AS (UPDATE \"public\".\"lo\"\"gs\" SET \"shout\" = COALESCE(\"shout\", "
            "(upper(msg))) WHERE (\"id\") > ($1::bigint) AND (\"id\") <= (SELECT bound.k1 FROM "
            "bound) AND (\"shout\" IS NULL)) "
            "SELECT coalesce((SELECT n FROM bound), 0), (SELECT k1::text FROM bound)");
  const std::string first =
      BackfillBatch(kTable, {"id"}, {"integer"}, {{"shout", "(upper(msg))"}}, true).sql;
  EXPECT_TRUE(Contains(first, "FROM \"public\".\"logs\" ORDER BY \"id\" LIMIT $1::bigint"))
      << first;
  EXPECT_TRUE(Contains(first, "WHERE (\"id\") <= (SELECT bound.k1 FROM bound)")) << first;
  for (const char* type : {"numeric(12,2)", "character varying(40)", "text",
                           "timestamp(3) with time zone", "date", "smallint"}) {
    EXPECT_TRUE(Contains(
        BackfillBatch(kTable, {"k"}, {type}, {{"shout", "(upper(msg))"}}, false).sql, "max(\"k\")"))
        << type;
  }
}

// A part of a parallel backfill stops at its upper bound, given after the batch size; the
// UPDATE needs no bound of its own (the batch's bound is within it).
TEST(BackfillSqlTest, KeysetBatchOfAPartStopsAtItsUpperBound) {
  const std::string next = BackfillBatch(kTable, {"tenant", "id"}, {"integer", "bigint"},
                                         {{"shout", "(upper(msg))"}}, false, "", false, true)
                               .sql;
  EXPECT_TRUE(Contains(next,
                       "WHERE (\"tenant\", \"id\") > ($1::integer, $2::bigint) AND (\"tenant\", "
                       "\"id\") <= ($4::integer, $5::bigint) ORDER BY \"tenant\", \"id\" LIMIT "
                       "$3::bigint"))
      << next;
  const std::string first =
      BackfillBatch(kTable, {"id"}, {"integer"}, {{"shout", "(upper(msg))"}}, true, "", false, true)
          .sql;
  EXPECT_TRUE(Contains(first,
                       "FROM \"public\".\"logs\" WHERE (\"id\") <= ($2::integer) ORDER BY "
                       "\"id\" LIMIT $1::bigint"))
      << first;
  const Keyset k{{"id"}, {"integer"}};
  EXPECT_EQ(NextKeysQuery(kTable, k, true, true),
            "SELECT \"id\"::text AS k1 FROM \"public\".\"logs\" WHERE (\"id\") > ($1::integer) "
            "AND (\"id\") <= ($3::integer) ORDER BY \"id\" LIMIT $2::bigint");
  EXPECT_EQ(NextKeysQuery(kTable, k, false, true),
            "SELECT \"id\"::text AS k1 FROM \"public\".\"logs\" WHERE (\"id\") <= ($2::integer) "
            "ORDER BY \"id\" LIMIT $1::bigint");
  EXPECT_EQ(SampleKeysQuery(kTable, k),
            "SELECT \"id\"::text AS k1 FROM \"public\".\"logs\" TABLESAMPLE SYSTEM ($1::float8) "
            "ORDER BY \"id\"");
}

// uuid has no max(); a composite key has no single column to take it of. The last row of
// the batch is then found by a top-1 sort in the key's order.
TEST(BackfillSqlTest, KeysetBatchSortsForItsBoundWhenMaxCannotFindIt) {
  const std::string uuid =
      BackfillBatch(kTable, {"id"}, {"uuid"}, {{"shout", "(upper(msg))"}}, false).sql;
  EXPECT_FALSE(Contains(uuid, "max(")) << uuid;
  EXPECT_TRUE(Contains(uuid,
                       "SELECT count(*) OVER (), \"id\" FROM (SELECT \"id\" FROM "
                       "\"public\".\"logs\" WHERE (\"id\") > ($1::uuid) ORDER BY \"id\" "
                       "LIMIT $2::bigint) batch ORDER BY \"id\" DESC LIMIT 1"))
      << uuid;
  const std::string composite = BackfillBatch(kTable, {"tenant", "id"}, {"integer", "bigint"},
                                              {{"shout", "(upper(msg))"}}, false)
                                    .sql;
  EXPECT_TRUE(Contains(composite,
                       "WITH bound (n, k1, k2) AS (SELECT count(*) OVER (), "
                       "\"tenant\", \"id\" FROM"))
      << composite;
  EXPECT_TRUE(Contains(composite, "ORDER BY \"tenant\" DESC, \"id\" DESC LIMIT 1)")) << composite;
  EXPECT_TRUE(Contains(composite, "(\"tenant\", \"id\") <= (SELECT bound.k1, bound.k2 FROM bound)"))
      << composite;
  EXPECT_TRUE(Contains(composite, "(SELECT k1::text FROM bound), (SELECT k2::text FROM bound)"))
      << composite;
}

// create_constraint's `up`: written as given (overwriting) to the rows the check rejects,
// in the same batches as a fill.
TEST(BackfillSqlTest, OnlyWhereBatchesOverwriteTheRowsMatchingThePredicate) {
  const std::string keyset =
      BackfillBatch(kTable, {"id"}, {"bigint"}, {{"v", "(abs(v))"}}, false, "NOT ((v > 0))").sql;
  EXPECT_TRUE(Contains(keyset,
                       "SET \"v\" = (abs(v)) WHERE (\"id\") > ($1::bigint) AND "
                       "(\"id\") <= (SELECT bound.k1 FROM bound) AND (NOT ((v > 0))))"))
      << keyset;
  EXPECT_FALSE(Contains(keyset, "COALESCE")) << keyset;
  EXPECT_FALSE(Contains(keyset, "IS NULL")) << keyset;
  const std::string ctid = BackfillCtidBatch(kTable, {{"v", "(abs(v))"}}, "NOT ((v > 0))").sql;
  EXPECT_TRUE(Contains(ctid, "SET \"v\" = (abs(v)) WHERE ")) << ctid;
  EXPECT_TRUE(Contains(ctid, "AND ctid < $4::tid AND (NOT ((v > 0))))")) << ctid;
}

// A verification's repair (BackfillJob::verify): the same batch, writing only the rows that
// differ, returning them with their re-check, and what it returns only grows when rows matched.
TEST(BackfillSqlTest, ReportingBatchReturnsTheRowsItWroteAndTheirRecheck) {
  const std::string mismatch = OwnedColumnMismatch({{"_new_v", "(v::numeric)", "numeric"}});
  EXPECT_EQ(mismatch, "\"_new_v\" IS DISTINCT FROM CAST((v::numeric) AS numeric)");
  const Statement keyset = BackfillBatch(kTable, {"id"}, {"bigint"}, {{"_new_v", "(v::numeric)"}},
                                         false, mismatch, true);
  EXPECT_EQ(keyset.lock, Lock::kRowExclusive);
  EXPECT_TRUE(keyset.scans);
  EXPECT_TRUE(Contains(keyset.sql,
                       "SET \"_new_v\" = (v::numeric) WHERE (\"id\") > ($1::bigint) AND (\"id\") "
                       "<= (SELECT bound.k1 FROM bound) AND (" +
                           mismatch + ") RETURNING \"id\" AS k1, NOT (" + mismatch + ") AS ok)"))
      << keyset.sql;
  EXPECT_TRUE(Contains(keyset.sql,
                       "(SELECT k1::text FROM bound), (SELECT count(*) FROM done), (SELECT "
                       "count(*) FROM done WHERE NOT ok), (SELECT array_agg(s.k ORDER BY s.k1) "
                       "FROM (SELECT k1::text AS k, k1 FROM done ORDER BY k1 LIMIT 10) s), "
                       "(SELECT array_agg(s.k ORDER BY s.k1) FROM (SELECT k1::text AS k, k1 FROM "
                       "done WHERE NOT ok ORDER BY k1 LIMIT 10) s)"))
      << keyset.sql;
  const std::string plain =
      BackfillBatch(kTable, {"id"}, {"bigint"}, {{"_new_v", "(v::numeric)"}}, false, mismatch).sql;
  EXPECT_FALSE(Contains(plain, "RETURNING")) << plain;
  EXPECT_TRUE(plain.ends_with("(SELECT k1::text FROM bound)")) << plain;
}

TEST(BackfillSqlTest, ReportingBatchGivesCompositeAndCtidKeysAsText) {
  const std::string composite = BackfillBatch(kTable, {"tenant", "id"}, {"integer", "bigint"},
                                              {{"c", "(x)"}}, false, "c IS DISTINCT FROM x", true)
                                    .sql;
  EXPECT_TRUE(Contains(composite, "RETURNING \"tenant\" AS k1, \"id\" AS k2, NOT (")) << composite;
  EXPECT_TRUE(Contains(composite,
                       "(SELECT array_agg(s.k ORDER BY s.k1, s.k2) FROM (SELECT ROW(k1, k2)::text "
                       "AS k, k1, k2 FROM done ORDER BY k1, k2 LIMIT 10) s)"))
      << composite;
  const Statement ctid = BackfillCtidBatch(kTable, {{"c", "(x)"}}, "c IS DISTINCT FROM x", true);
  EXPECT_TRUE(ctid.scans);
  EXPECT_TRUE(Contains(ctid.sql,
                       "AND (c IS DISTINCT FROM x) RETURNING ctid AS k1, NOT (c IS "
                       "DISTINCT FROM x) AS ok) SELECT (SELECT count(*)"))
      << ctid.sql;
  EXPECT_TRUE(ctid.sql.ends_with("done WHERE NOT ok ORDER BY k1 LIMIT 10) s)")) << ctid.sql;
}

TEST(BackfillSqlTest, OwnedColumnsWithoutEqualityCompareTextForms) {
  EXPECT_EQ(OwnedColumnMismatch({{"a", "(x)", "integer"}, {"b", "(y::json)", "json", true}}),
            "\"a\" IS DISTINCT FROM CAST((x) AS integer) OR \"b\"::text IS DISTINCT FROM "
            "CAST((y::json) AS json)::text");
}

TEST(BackfillSqlTest, CtidBatchIsOneRangeOfPagesWithEveryValueAParameter) {
  const std::string sql =
      BackfillCtidBatch({"public", "lo\"gs"}, {{"shout", "(upper(msg))"}, {"n2", "(n * 2)"}}).sql;
  EXPECT_EQ(sql,
            "WITH done AS (UPDATE ONLY \"public\".\"lo\"\"gs\" SET "
            "\"shout\" = COALESCE(\"shout\", (upper(msg))), \"n2\" = COALESCE(\"n2\", (n * 2)) "
            "WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid "
            "AND ctid >= $3::tid AND ctid < $4::tid AND (\"shout\" IS NULL OR \"n2\" IS NULL)) "
            "SELECT (SELECT count(*) FROM ONLY \"public\".\"lo\"\"gs\" "
            "WHERE pg_catalog.pg_relation_filenode($1::regclass) = $2::oid "
            "AND ctid >= $3::tid AND ctid < $4::tid), "
            "pg_catalog.pg_relation_size($1::regclass) / "
            "pg_catalog.current_setting('block_size')::bigint, "
            "pg_catalog.pg_relation_filenode($1::regclass)");
}

TEST(BackfillSqlTest, CtidScanStartReadsPagesAndFileNodeOfTheParameterTable) {
  EXPECT_EQ(CtidScanStart(),
            "SELECT pg_catalog.pg_relation_size($1::regclass) / "
            "pg_catalog.current_setting('block_size')::bigint, "
            "pg_catalog.pg_relation_filenode($1::regclass)");
}

}  // namespace
}  // namespace pgphase::ddl

namespace pgphase::ddl {
namespace {

// A fill whose expression may raise is computed in a block of its own: the error is caught,
// recorded with the row's key, and the column keeps what the statement gave it.
TEST(FillTriggerTest, AGuardedFillRecordsItsErrorAndLetsTheWriteThrough) {
  Fill f("n", "(CAST(owner AS integer))", {"owner"});
  f.mode = Fill::Mode::kOwned;
  f.guard = true;
  const std::string fn =
      CreateFillFunction({"pgphase", "sync_m_t"}, {"public", "t"}, {f}, {"m", "public.t", {"id"}})
          .sql;
  const std::string guarded =
      "    BEGIN\n"
      "      NEW.\"n\" := (CAST(owner AS integer));\n"
      "    EXCEPTION WHEN OTHERS THEN\n"
      "      PERFORM pgphase.record_sync_error('m', 'public.t', 'n', ARRAY[NEW.\"id\"::text], "
      "SQLSTATE, SQLERRM);\n"
      "    END;\n";
  EXPECT_NE(fn.find("BEGIN\n" + guarded + "  RETURN NEW;\n"), std::string::npos) << fn;
  // An unguarded fill is a plain assignment, and a table without a key records an empty key.
  Fill safe("s", "(upper(owner))", {"owner"});
  const std::string both =
      CreateFillFunction({"pgphase", "f"}, {"public", "t"}, {safe, f}, {"m", "public.t", {}}).sql;
  EXPECT_NE(both.find("      NEW.\"s\" := (upper(owner));\n"), std::string::npos) << both;
  EXPECT_NE(both.find("'{}'::text[], SQLSTATE, SQLERRM"), std::string::npos) << both;
}

}  // namespace
}  // namespace pgphase::ddl
