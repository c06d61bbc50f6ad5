import cluster from "node:cluster";
import { buildApp } from "./app.js";
import { openMigratedDatabase } from "./bootstrap.js";
import { listenForWorkers, serveConnectionsFromPrimary, workerReady } from "./lib/connection-balancer.js";
import { ConfigError, parseConfig, type Config } from "./config.js";
import type { Db } from "./db/database.js";
import { systemActor } from "./modules/audit/actor.js";
import { deleteExpiredSessions } from "./modules/auth/session-store.js";
import { deleteOldSignInFailures } from "./modules/auth/sign-in.service.js";
import { loadDemoData } from "./modules/demo/demo.service.js";
import { ensureInitialAdmin } from "./modules/users/users.service.js";

/**
 * One process, or with WEB_PROCESSES > 1 a primary that prepares the database, keeps house and loads the
 * demo while its workers (node:cluster, each handed connections by the primary) serve the web: a single
 * Node.js process uses one core however many the machine has.
 */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
  if (cluster.isWorker) return serveWeb(config, await openMigratedDatabase(config));

  const db = await openMigratedDatabase(config);
  const admin = await ensureInitialAdmin(db.kysely, systemActor, config.SCRUTINEER_ADMIN_PASSWORD);
  if (admin) {
    // Printed once, on the terminal of whoever started the first run; only its hash is kept.
    process.stdout.write(
      `\nScrutineer created the first administrator account:\n  email:    ${admin.user.email}\n  password: ${admin.password}\n` +
        `This password is shown once. You will be asked to change it when you first sign in.\n\n`,
    );
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const housekeeping = setInterval(
    () => {
      Promise.all([
        deleteExpiredSessions(db.kysely, config.SESSION_MAX_HOURS * 60 * 60),
        deleteOldSignInFailures(db.kysely),
      ]).catch((error: unknown) => log(`Housekeeping failed: ${String(error)}`));
    },
    60 * 60 * 1000,
  );
  housekeeping.unref();

  if (config.WEB_PROCESSES === 1) await serveWeb(config, db);
  else await startWorkers(config, db, log);
  // The demo loads while the site is already up: each part commits whole, so pages fill in as it goes.
  if (config.LOAD_DEMO_DATA) {
    loadDemoData(db, log).catch((error: unknown) => log(`The demo data did not load: ${String(error)}`));
  }
}

async function serveWeb(config: Config, db: Db): Promise<void> {
  const app = await buildApp({ config, db });
  if (cluster.isWorker) {
    const close = await serveConnectionsFromPrimary(app);
    onStopSignal(db, (signal) => {
      app.log.info(`${signal} received: closing`);
      return close();
    });
    return;
  }
  onStopSignal(db, (signal) => {
    app.log.info(`${signal} received: closing`);
    return app.close();
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info(`Scrutineer on ${addressOf(config)} using ${db.dialect} (${db.location})`);
}

async function startWorkers(config: Config, db: Db, log: (line: string) => void): Promise<void> {
  // The primary, which serves no requests, takes in each connection and hands it to the worker with the fewest
  // (see listenForWorkers). How soon a worker starts the requests of connections handed to it under load is
  // bounded by turnBudget, in app.ts.
  const listener = await listenForWorkers(config.PORT, config.HOST);
  let stopping = false;
  const fork = () => cluster.fork();
  // A worker that dies is replaced, as a process manager would; one that was asked to stop is not.
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    log(`Web process ${worker.process.pid} ended (${signal ?? code}): starting another`);
    fork();
  });
  const online = Array.from({ length: config.WEB_PROCESSES }, () => workerReady(fork()));
  onStopSignal(db, () => {
    stopping = true;
    listener.close();
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    return Promise.all(
      workers.map((worker) => {
        const exited = new Promise((resolve) => worker.once("exit", resolve));
        worker.kill("SIGTERM");
        return exited;
      }),
    );
  });
  await Promise.all(online);
  log(
    `Scrutineer on ${addressOf(config)} using ${db.dialect} (${db.location}), ${config.WEB_PROCESSES} web processes`,
  );
}

/** On SIGINT or SIGTERM: finish what is under way, close the database, and exit. */
function onStopSignal(db: Db, finish: (signal: string) => Promise<unknown>): void {
  const stop = (signal: string) => {
    finish(signal)
      .then(() => db.destroy())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function addressOf(config: Config): string {
  return `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT}`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
