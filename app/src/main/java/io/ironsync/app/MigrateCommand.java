package io.ironsync.app;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.metadata.EmbeddedDatabase;
import io.ironsync.metadata.SchemaMigrator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Applies pending schema migrations and exits (serve does this too, at boot). */
@Command(name = "migrate", description = "Apply database schema migrations and exit.")
final class MigrateCommand implements Callable<Integer> {

  @CommandLine.Mixin ConfigOption config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    IronSyncConfig settings = config.load();
    if (settings.pg().url().isPresent()) {
      SchemaMigrator.migrate(settings.pg().url().get());
    } else {
      try (EmbeddedDatabase database = EmbeddedDatabase.start(settings.dataDir())) {
        SchemaMigrator.migrate(database.url());
      }
    }
    spec.commandLine().getOut().println("schema is up to date");
    return 0;
  }
}
