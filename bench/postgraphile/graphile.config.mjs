// PostGraphile 5 over serialpool's own tables: the baseline of the read pages
// (bench/products.go, bench/nested.go, bench/poolstats.go). It runs under the
// same row-level security as serialpool: it connects as the cluster's
// superuser, as serialpool does, and every request's transaction switches to
// the serialpool_app role with the tenant in app.tenant_id (pgSettings become
// set_config(..., true) in the request's transaction, just like db.enterTenant).
//
//   DATABASE_URL=postgres://... PORT=5678 SERIALPOOL_TENANT_ID=1 \
//     node node_modules/postgraphile/dist/cli-run.js --config graphile.config.mjs
//
// An X-Tenant-Id header overrides SERIALPOOL_TENANT_ID for one request. This is a
// benchmark baseline on loopback, not a server to expose: anyone who can reach
// it can name any tenant.
import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { jsonPgSmartTags } from "postgraphile/utils";

const env = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === "") {
    if (def === undefined) throw new Error(`${name} is required`);
    return def;
  }
  return v;
};

const tenant = env("SERIALPOOL_TENANT_ID", "");

// The nested page (bench/nested.go) reads each serial's pack events. The
// schema has no foreign key from pack_events to serials (both are partitioned
// by product_id; the key would be (product_id, serial_id)), so PostGraphile
// would offer no relation: this smart tag, in this config only, declares the
// key PostGraphile may join on. The database is not changed.
const packEventsOfSerial = jsonPgSmartTags({
  version: 1,
  config: {
    class: {
      pack_events: {
        tags: { foreignKey: "(product_id, serial_id) references serials (product_id, id)|@fieldName serial|@foreignFieldName packEvents" },
      },
    },
  },
});

/** @type {GraphileConfig.Preset} */
const preset = {
  // PgAggregatesPreset (@graphile/pg-aggregates): groupedAggregates, the
  // baseline of poolStats (bench/poolstats.go).
  extends: [PostGraphileAmberPreset, PgAggregatesPreset],
  plugins: [packEventsOfSerial],
  pgServices: [
    makePgService({
      connectionString: env("DATABASE_URL"),
      schemas: ["public"],
      // As serialpool's server (db.Open): up to 32 connections, kept while idle
      // for 5 minutes (node-postgres would close them after 10 s, and reconnect).
      poolConfig: { max: Number(env("PG_POOL_MAX", "32")), idleTimeoutMillis: 5 * 60 * 1000 },
    }),
  ],
  grafserv: {
    host: env("HOST", "127.0.0.1"),
    port: Number(env("PORT", "5678")),
    graphqlPath: "/graphql",
    graphiql: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    explain: false,
    context(requestContext) {
      const header = requestContext.node?.req?.headers["x-tenant-id"];
      const id = typeof header === "string" && header !== "" ? header : tenant;
      // No tenant: no app.tenant_id, so app_tenant() is NULL and RLS shows nothing.
      // No JIT, as serialpool's connections (db.connConfig): compiling the
      // nested page's plan cost PostgreSQL 100 ms a request.
      const settings = { role: "serialpool_app", jit: "off" };
      return { pgSettings: id ? { ...settings, "app.tenant_id": id } : settings };
    },
  },
};

export default preset;
