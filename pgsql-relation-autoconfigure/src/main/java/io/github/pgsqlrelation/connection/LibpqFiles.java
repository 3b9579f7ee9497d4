package io.github.pgsqlrelation.connection;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where libpq, and pgjdbc after it, look for their default files ({@code root.crt},
 * {@code postgresql.crt}, ...): {@code ~/.postgresql}, or {@code %APPDATA%\postgresql} on
 * Windows (libpq's {@code pqGetHomeDirectory}, pgjdbc's {@code LibPQFactory}).
 */
final class LibpqFiles {

	private LibpqFiles() {
	}

	static Path defaultDirectory() {
		if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows")) {
			String appData = System.getenv("APPDATA");
			return Path.of((appData != null) ? appData : "", "postgresql");
		}
		return Path.of(System.getProperty("user.home", ""), ".postgresql");
	}

}
