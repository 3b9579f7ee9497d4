package io.github.pgsqlrelation.routing;

import org.jspecify.annotations.Nullable;

/**
 * The scope whose writes the reads of the current thread must see, when
 * {@link RoutingSettings#readYourWrites()} is on.
 * <p>
 * Without a binding the scope is the thread: a read-only transaction sees what the same
 * thread committed before (a thread of a pool keeps its position across tasks, which only
 * makes a later read more careful). An application widens the scope by binding one for a
 * unit of work, e.g. an HTTP request or session (the auto-configuration does this with a
 * servlet filter when asked), or carries it to another thread (an {@code @Async} task, a
 * {@code TaskDecorator}) by binding the same {@link WritePosition} there:
 * <pre class="code">
 * WritePosition position = new WritePosition();
 * try (ReadYourWrites.Binding binding = ReadYourWrites.bind(position)) {
 *     // writes and reads here share the position, on this thread
 * }
 * </pre> Bindings nest; closing one restores the one before.
 */
public final class ReadYourWrites {

	private static final ThreadLocal<WritePosition> threadPosition = ThreadLocal.withInitial(WritePosition::new);

	private static final ThreadLocal<@Nullable Scope> bound = new ThreadLocal<>();

	private ReadYourWrites() {
	}

	/**
	 * Binds a position to the current thread until the binding is closed: writes advance
	 * it and reads wait for it.
	 * @param position the position, shared by every thread that binds it
	 * @return the binding, to close on the same thread
	 */
	public static Binding bind(WritePosition position) {
		return bind(new Scope() {

			@Override
			public WritePosition forRead() {
				return position;
			}

			@Override
			public WritePosition forWrite() {
				return position;
			}

		});
	}

	/**
	 * Binds a scope to the current thread until the binding is closed.
	 * @param scope where the position lives
	 * @return the binding, to close on the same thread
	 */
	public static Binding bind(Scope scope) {
		Scope previous = bound.get();
		bound.set(scope);
		return new Binding(previous);
	}

	/** The position that a read on the current thread must see, if any. */
	static @Nullable WritePosition forRead() {
		Scope scope = bound.get();
		return (scope != null) ? scope.forRead() : threadPosition.get();
	}

	/** The position that a write on the current thread advances. */
	static WritePosition forWrite() {
		Scope scope = bound.get();
		return (scope != null) ? scope.forWrite() : threadPosition.get();
	}

	/**
	 * Where a scope keeps its position; implemented by the web wiring, e.g. in the HTTP
	 * session.
	 */
	public interface Scope {

		/**
		 * Returns the position reads must see, {@code null} when the scope has none
		 * (yet): then reads go anywhere. Called for every read-only transaction: keep it
		 * cheap and never create anything here.
		 */
		@Nullable WritePosition forRead();

		/**
		 * Returns the position a committed write advances, created if needed. Called
		 * after every commit of a write.
		 */
		WritePosition forWrite();

	}

	/** A scope bound to a thread; closing it restores the scope bound before. */
	public static final class Binding implements AutoCloseable {

		private final @Nullable Scope previous;

		private Binding(@Nullable Scope previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			if (this.previous != null) {
				bound.set(this.previous);
			}
			else {
				bound.remove();
			}
		}

	}

}
