package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationSnapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Follows a state file in a JVM of its own, so that a test can run the watcher as another
 * operating system user. Each line on standard input refreshes and prints the status;
 * every reported problem is printed as it comes.
 */
final class StateFileProbe {

	private StateFileProbe() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		RelationStateWatcher watcher = new RelationStateWatcher(
				RelationStateWatcher.Settings.of(Path.of(args[0]), "db").withRecheckInterval(Duration.ofMinutes(10)),
				(event) -> {
				}, new RelationStateWatcher.RefreshListener() {

					@Override
					public void problem(String message) {
						out.println("problem " + message);
					}

				});
		watcher.load();
		watcher.start();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		while (in.readLine() != null) {
			watcher.refresh();
			RelationSnapshot effective = watcher.current();
			String master = (effective.master() != null) ? effective.master().get("host") : "none";
			out.println("status " + master + " " + watcher.status().problem());
		}
		watcher.close();
	}

}
