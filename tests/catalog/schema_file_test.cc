// ReadSchemaFile on pg_dump --schema-only output (taken from PostgreSQL 15) and on DDL written
// by hand: the snapshot holds what the catalog queries would read from a server the file was
// loaded into (the expected texts are the server's own: pg_get_expr, pg_get_constraintdef,
// pg_get_indexdef, pg_describe_object, for a session with the default search_path).
#include "pgphase/schema_file.h"

#include <gtest/gtest.h>

namespace pgphase {
namespace {

constexpr const char* kDump = R"sql(--
-- PostgreSQL database dump
--

\restrict FJPiNkiLcrCGmglqzXS1LaqNYDK1A9Ji9Oa8Kgw6QFFr40ikOMwkBMsVFTsYD1P

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TYPE public.mood AS ENUM (
    'a',
    'b'
);
ALTER TYPE public.mood OWNER TO postgres;
CREATE TABLE public.o (
    id bigint NOT NULL,
    uid integer,
    x text
);
ALTER TABLE public.o OWNER TO postgres;
ALTER TABLE public.o ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.o_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.u (
    id integer NOT NULL,
    name character varying(255) DEFAULT 'x'::character varying NOT NULL,
    m public.mood DEFAULT 'a'::public.mood,
    t timestamp with time zone DEFAULT now(),
    n numeric(12,2),
    g integer GENERATED ALWAYS AS ((id * 2)) STORED,
    CONSTRAINT u_n_check CHECK ((n > (0)::numeric))
);
CREATE SEQUENCE public.u_id_seq
    AS integer
    START WITH 1
    CACHE 1;
ALTER TABLE public.u_id_seq OWNER TO postgres;
ALTER SEQUENCE public.u_id_seq OWNED BY public.u.id;
CREATE VIEW public.v AS
 SELECT u.id,
    u.name
   FROM public.u;
ALTER TABLE ONLY public.u ALTER COLUMN id SET DEFAULT nextval('public.u_id_seq'::regclass);
ALTER TABLE ONLY public.o
    ADD CONSTRAINT o_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.u
    ADD CONSTRAINT u_pkey PRIMARY KEY (id);
ALTER TABLE public.o
    ADD CONSTRAINT xc CHECK ((length(x) < 10)) NOT VALID;
CREATE UNIQUE INDEX o_lower_idx ON public.o USING btree (lower(x)) WHERE (x IS NOT NULL);
CREATE INDEX o_uid_x_idx ON public.o USING btree (uid, x);
CREATE TRIGGER trg BEFORE UPDATE OF x ON public.o FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE ONLY public.o
    ADD CONSTRAINT o_uid_fkey FOREIGN KEY (uid) REFERENCES public.u(id) ON DELETE CASCADE;
COMMENT ON TABLE public.o IS 'orders';
\unrestrict FJPiNkiLcrCGmglqzXS1LaqNYDK1A9Ji9Oa8Kgw6QFFr40ikOMwkBMsVFTsYD1P
)sql";

SchemaFile Read(const std::string& text) {
  Result<SchemaFile> r = ReadSchemaFile(text, "dump.sql", {"public"});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : SchemaFile{};
}

TEST(SchemaFileReaderTest, DumpColumnsAsTheCatalogReadsThem) {
  const SchemaFile f = Read(kDump);
  EXPECT_TRUE(f.warnings.empty()) << f.warnings.front();
  ASSERT_EQ(f.catalog.tables.size(), 2u);
  const TableInfo& u = f.catalog.tables[1];
  ASSERT_EQ(u.name, "u");
  ASSERT_EQ(u.columns.size(), 6u);
  EXPECT_EQ(u.columns[0].type, "integer");
  EXPECT_EQ(u.columns[0].default_expr.value_or(""), "nextval('u_id_seq'::regclass)");
  EXPECT_EQ(u.columns[0].sequence, "u_id_seq");
  EXPECT_EQ(u.columns[0].dependents, (std::vector<std::string>{"constraint o_uid_fkey on table o",
                                                               "sequence u_id_seq", "view v"}));
  EXPECT_EQ(u.columns[1].type, "character varying(255)");
  EXPECT_TRUE(u.columns[1].not_null);
  EXPECT_EQ(u.columns[1].default_expr.value_or(""), "'x'::character varying");
  EXPECT_EQ(u.columns[2].type, "mood");
  EXPECT_EQ(u.columns[2].default_expr.value_or(""), "'a'::mood");
  EXPECT_EQ(u.columns[3].type, "timestamp with time zone");
  EXPECT_EQ(u.columns[4].type, "numeric(12,2)");
  EXPECT_TRUE(u.columns[5].generated);
  EXPECT_FALSE(u.columns[5].default_expr.has_value());
  EXPECT_EQ(u.primary_key, (std::vector<std::string>{"id"}));
}

TEST(SchemaFileReaderTest, DumpConstraintsIndexesAndIdentityAsTheCatalogReadsThem) {
  const SchemaFile f = Read(kDump);
  const TableInfo& o = f.catalog.tables[0];
  ASSERT_EQ(o.name, "o");
  EXPECT_TRUE(o.columns[0].identity);
  EXPECT_EQ(o.columns[0].identity_kind, 'a');
  EXPECT_EQ(o.columns[0].sequence, "o_id_seq");
  EXPECT_TRUE(o.columns[0].dependents.empty());
  EXPECT_EQ(o.columns[2].dependents, (std::vector<std::string>{"trigger trg on table o"}));
  ASSERT_EQ(o.constraints.size(), 3u);
  EXPECT_EQ(o.constraints[0].name, "o_pkey");
  EXPECT_EQ(o.constraints[1].definition, "FOREIGN KEY (uid) REFERENCES u(id) ON DELETE CASCADE");
  EXPECT_EQ(o.constraints[1].on_delete, 'c');
  EXPECT_EQ(o.constraints[1].ref_columns, (std::vector<std::string>{"id"}));
  EXPECT_EQ(o.constraints[2].definition, "CHECK ((length(x) < 10)) NOT VALID");
  EXPECT_EQ(o.constraints[2].check_expr, "(length(x) < 10)");
  EXPECT_FALSE(o.constraints[2].validated);
  EXPECT_EQ(o.constraints[2].columns, (std::vector<std::string>{"x"}));
  ASSERT_EQ(o.indexes.size(), 3u);
  EXPECT_EQ(
      o.indexes[0].definition,
      "CREATE UNIQUE INDEX o_lower_idx ON public.o USING btree (lower(x)) WHERE (x IS NOT NULL)");
  EXPECT_TRUE(o.indexes[0].partial);
  EXPECT_FALSE(o.indexes[0].plain);
  EXPECT_EQ(o.indexes[1].definition, "CREATE UNIQUE INDEX o_pkey ON public.o USING btree (id)");
  EXPECT_TRUE(o.indexes[1].primary);
  EXPECT_TRUE(o.indexes[2].plain);
  EXPECT_EQ(o.indexes[2].columns, (std::vector<std::string>{"uid", "x"}));
  EXPECT_EQ(o.triggers, (std::vector<std::string>{"trg"}));
  EXPECT_EQ(f.catalog.relation_names,
            (std::vector<std::string>{"public.o", "public.o_id_seq", "public.o_lower_idx",
                                      "public.o_pkey", "public.o_uid_x_idx", "public.u",
                                      "public.u_id_seq", "public.u_pkey", "public.v"}));
}

TEST(SchemaFileReaderTest, HandWrittenDdlGetsTheServersNamesAndSpelling) {
  const SchemaFile f = Read(
      "CREATE TABLE users (id serial PRIMARY KEY, email varchar(20) UNIQUE, "
      "at timestamptz DEFAULT now());\nCREATE INDEX users_at ON users (at);\n");
  ASSERT_EQ(f.catalog.tables.size(), 1u);
  const TableInfo& t = f.catalog.tables[0];
  EXPECT_EQ(t.columns[0].type, "integer");
  EXPECT_EQ(t.columns[0].default_expr.value_or(""), "nextval('users_id_seq'::regclass)");
  EXPECT_TRUE(t.columns[0].not_null);
  EXPECT_EQ(t.columns[1].type, "character varying(20)");
  ASSERT_EQ(t.constraints.size(), 2u);
  EXPECT_EQ(t.constraints[0].name, "users_email_key");
  EXPECT_EQ(t.constraints[0].definition, "UNIQUE (email)");
  EXPECT_EQ(t.constraints[1].name, "users_pkey");
  EXPECT_EQ(t.constraints[1].definition, "PRIMARY KEY (id)");
  ASSERT_EQ(t.indexes.size(), 3u);
  EXPECT_EQ(t.indexes[0].definition, "CREATE INDEX users_at ON public.users USING btree (at)");
}

TEST(SchemaFileReaderTest, WhatTheSnapshotCannotHoldIsAWarningWithItsLine) {
  const SchemaFile f = Read(
      "CREATE TABLE t (a int);\n\nCREATE POLICY p ON t USING (true);\n"
      "ALTER TABLE t ATTACH PARTITION t2 FOR VALUES IN (1);\n");
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_EQ(f.warnings[0].rfind("dump.sql:3: CreatePolicyStmt is not represented", 0), 0u)
      << f.warnings[0];
  EXPECT_EQ(f.warnings[1].rfind("dump.sql:4: ALTER TABLE t: AT_AttachPartition", 0), 0u)
      << f.warnings[1];
}

// A Rails structure.sql is pg_dump's output with Rails' own lines after it: the schema
// migrations' versions are data, which a catalog snapshot does not hold, and say so.
TEST(SchemaFileReaderTest, RailsStructureSqlReadsWithItsVersionRowsWarned) {
  const SchemaFile f = Read(
      "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n"
      "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;\n"
      "CREATE TABLE public.schema_migrations (version character varying NOT NULL);\n"
      "ALTER TABLE ONLY public.schema_migrations\n"
      "    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);\n"
      "SET search_path TO \"$user\", public;\n"
      "INSERT INTO \"schema_migrations\" (version) VALUES\n('20240101000000');\n");
  ASSERT_EQ(f.catalog.tables.size(), 1u);
  EXPECT_EQ(f.catalog.tables[0].columns[0].type, "character varying");
  EXPECT_EQ(f.catalog.tables[0].primary_key, (std::vector<std::string>{"version"}));
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_EQ(f.warnings[0].rfind("dump.sql:8: InsertStmt is not represented", 0), 0u)
      << f.warnings[0];
}

TEST(SchemaFileReaderTest, AFileThatDoesNotParseIsAnErrorWithItsLine) {
  Result<SchemaFile> r =
      ReadSchemaFile("CREATE TABLE t (a int);\nCREATE TABEL x;\n", "s.sql", {"public"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("s.sql:2:", 0), 0u) << r.status().message();
}

TEST(SchemaFileReaderTest, BuiltinVolatilityIsPgProcs) {
  EXPECT_EQ(BuiltinVolatility("upper"), Volatility::kImmutable);
  EXPECT_EQ(BuiltinVolatility("now"), Volatility::kStable);
  EXPECT_EQ(BuiltinVolatility("random"), Volatility::kVolatile);
  EXPECT_EQ(BuiltinVolatility("no_such_function"), std::nullopt);
}

}  // namespace
}  // namespace pgphase
