package io.github.pgsqlrelation.test.secrets;

import org.jspecify.annotations.Nullable;

/**
 * A copy of an exception chain with every known secret masked: the original type's name,
 * its message masked, its stack trace, its cause and suppressed exceptions copied the
 * same way.
 */
final class MaskedThrowable extends Throwable {

	private final String originalType;

	private MaskedThrowable(String originalType, @Nullable String message, @Nullable MaskedThrowable cause) {
		super(message, cause, true, true);
		this.originalType = originalType;
	}

	static MaskedThrowable of(Throwable throwable) {
		return of(throwable, 0);
	}

	private static MaskedThrowable of(Throwable throwable, int depth) {
		String message = throwable.getMessage();
		Throwable cause = throwable.getCause();
		MaskedThrowable maskedCause = (cause != null && cause != throwable && depth < 20) ? of(cause, depth + 1) : null;
		MaskedThrowable masked = new MaskedThrowable(throwable.getClass().getName(),
				(message != null) ? KnownSecrets.mask(message) : null, maskedCause);
		masked.setStackTrace(throwable.getStackTrace());
		if (depth < 20) {
			for (Throwable suppressed : throwable.getSuppressed()) {
				masked.addSuppressed(of(suppressed, depth + 1));
			}
		}
		return masked;
	}

	@Override
	public String toString() {
		String message = getLocalizedMessage();
		return (message != null) ? this.originalType + ": " + message : this.originalType;
	}

}
