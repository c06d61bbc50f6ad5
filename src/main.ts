import { buildApp } from "./app.js";
import { openMigratedDatabase } from "./bootstrap.js";
import { ConfigError, parseConfig } from "./config.js";
import { systemActor } from "./modules/audit/actor.js";
import { deleteExpiredSessions } from "./modules/auth/session-store.js";
import { deleteOldSignInFailures } from "./modules/auth/sign-in.service.js";
import { loadDemoData } from "./modules/demo/demo.service.js";
import { ensureInitialAdmin } from "./modules/users/users.service.js";

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const db = await openMigratedDatabase(config);
  const admin = await ensureInitialAdmin(db.kysely, systemActor, config.SCRUTINEER_ADMIN_PASSWORD);
  if (admin) {
    // Printed once, on the terminal of whoever started the first run; only its hash is kept.
    process.stdout.write(
      `\nScrutineer created the first administrator account:\n  email:    ${admin.user.email}\n  password: ${admin.password}\n` +
        `This password is shown once. You will be asked to change it when you first sign in.\n\n`,
    );
  }
  const app = await buildApp({ config, db });
  const housekeeping = setInterval(
    () => {
      Promise.all([deleteExpiredSessions(db.kysely), deleteOldSignInFailures(db.kysely)]).catch(
        (error: unknown) => app.log.error(error),
      );
    },
    60 * 60 * 1000,
  );
  housekeeping.unref();

  const shutdown = (signal: string) => {
    app.log.info(`${signal} received: closing`);
    app
      .close()
      .then(() => db.destroy())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);

  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info(
    `Scrutineer on http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${config.PORT} using ${db.dialect} (${db.location})`,
  );
  // The demo loads while the site is already up: each part commits whole, so pages fill in as it goes.
  if (config.LOAD_DEMO_DATA) {
    loadDemoData(db, (line) => process.stdout.write(`${line}\n`)).catch((error: unknown) =>
      app.log.error(error),
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
