package io.github.pgsqlrelation.relation.statefile;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.Watchable;
import java.util.List;
import java.util.Set;

/**
 * What one burst of file system notifications asks of a {@link FileWatcher}: the file's
 * name created in its directory means a complete file is there to read at once (an atomic
 * rename over it, a symlink swapped under its name); anything else (a write in place, a
 * directory symlink swapped, lost notifications) means reading it once the notifications
 * have been quiet for a moment, when a file written in place is whole. No I/O: the
 * watching thread feeds it the events it polls.
 */
final class Burst {

	private final Set<Path> names;

	private boolean settledReadNeeded;

	/**
	 * Starts a burst.
	 * @param names the absolute paths whose creation replaces the file: the file itself
	 * and, when it is a symlink, its target
	 */
	Burst(Set<Path> names) {
		this.names = names;
	}

	/**
	 * Takes the events of one poll, in order.
	 * @param directory the watched directory they happened in
	 * @param events the events
	 * @return whether the file was replaced among them, and so is to be read now
	 */
	boolean add(Watchable directory, List<WatchEvent<?>> events) {
		boolean replaced = false;
		for (WatchEvent<?> event : events) {
			if (replaces(directory, event)) {
				// Whatever came before, the file read now is newer.
				replaced = true;
				this.settledReadNeeded = false;
			}
			else {
				this.settledReadNeeded = true;
			}
		}
		return replaced;
	}

	/** The file read on replacement was not usable yet: read it when the burst ends. */
	void readAgainWhenQuiet() {
		this.settledReadNeeded = true;
	}

	/**
	 * Whether something happened that no read so far has seen, so that the file is to be
	 * read once the notifications are quiet.
	 */
	boolean needsSettledRead() {
		return this.settledReadNeeded;
	}

	private boolean replaces(Watchable directory, WatchEvent<?> event) {
		return event.kind() == StandardWatchEventKinds.ENTRY_CREATE && directory instanceof Path path
				&& event.context() instanceof Path name && this.names.contains(path.resolve(name));
	}

}
