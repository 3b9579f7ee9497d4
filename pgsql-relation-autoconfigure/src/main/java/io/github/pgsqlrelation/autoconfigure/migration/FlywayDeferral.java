package io.github.pgsqlrelation.autoconfigure.migration;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Spring Boot's Flyway initializer, with the migrations run through
 * {@link RelationMigrations} when Flyway migrates the relation's {@code DataSource}.
 */
final class FlywayDeferral {

	static final String TOOL = "Flyway";

	private FlywayDeferral() {
	}

	/**
	 * Returns the initializer: the application's own {@link FlywayMigrationStrategy} (or
	 * {@link Flyway#migrate()}) run now or deferred, or Boot's usual run when Flyway
	 * migrates another database ({@code spring.flyway.url}, a {@code @FlywayDataSource}).
	 */
	static FlywayMigrationInitializer initializer(Flyway flyway, @Nullable FlywayMigrationStrategy strategy,
			RelationMigrations migrations, DataSource relationDataSource) {
		if (flyway.getConfiguration().getDataSource() != relationDataSource) {
			return new FlywayMigrationInitializer(flyway, strategy);
		}
		return new FlywayMigrationInitializer(flyway,
				(deferred) -> migrations.runOrDefer(TOOL, () -> migrate(deferred, strategy)));
	}

	private static void migrate(Flyway flyway, @Nullable FlywayMigrationStrategy strategy) {
		if (strategy != null) {
			strategy.migrate(flyway);
		}
		else {
			flyway.migrate();
		}
	}

}
