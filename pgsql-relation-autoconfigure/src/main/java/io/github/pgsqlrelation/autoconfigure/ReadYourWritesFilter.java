package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationProperties.ReadYourWritesScope;
import io.github.pgsqlrelation.routing.ReadYourWrites;
import io.github.pgsqlrelation.routing.WritePosition;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * Binds the read-your-writes position of the HTTP request, or of its HTTP session, to the
 * thread that serves it, for every dispatch (async and error ones included), so that a
 * read-only transaction sees what the request or session wrote before.
 */
final class ReadYourWritesFilter extends OncePerRequestFilter implements Ordered {

	/** The request or session attribute that holds the position. */
	static final String ATTRIBUTE = WritePosition.class.getName();

	/**
	 * Early, so that the filters after it (security ones reading users, for instance) are
	 * in the scope.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final ReadYourWritesScope scope;

	ReadYourWritesFilter(ReadYourWritesScope scope) {
		this.scope = scope;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		ReadYourWrites.Scope scope = (this.scope == ReadYourWritesScope.SESSION) ? new SessionScope(request)
				: new RequestScope(request);
		try (ReadYourWrites.Binding binding = ReadYourWrites.bind(scope)) {
			chain.doFilter(request, response);
		}
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/** The position lives in a request attribute, shared by the request's dispatches. */
	private static class RequestScope implements ReadYourWrites.Scope {

		final HttpServletRequest request;

		RequestScope(HttpServletRequest request) {
			this.request = request;
		}

		@Override
		public @Nullable WritePosition forRead() {
			return (WritePosition) this.request.getAttribute(ATTRIBUTE);
		}

		@Override
		public WritePosition forWrite() {
			WritePosition position = forRead();
			if (position == null) {
				position = new WritePosition();
				this.request.setAttribute(ATTRIBUTE, position);
			}
			return position;
		}

	}

	/**
	 * The position lives in the session, created by the first write that has none; a
	 * request without a session reads by its own writes.
	 */
	private static final class SessionScope extends RequestScope {

		SessionScope(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable WritePosition forRead() {
			HttpSession session = this.request.getSession(false);
			WritePosition position = (session != null) ? (WritePosition) session.getAttribute(ATTRIBUTE) : null;
			return (position != null) ? position : super.forRead();
		}

		@Override
		public WritePosition forWrite() {
			HttpSession session;
			try {
				session = this.request.getSession(true);
			}
			catch (IllegalStateException ex) {
				// The response is committed: no cookie can carry a new session. The rest
				// of the request still reads its writes.
				return super.forWrite();
			}
			synchronized (WebUtils.getSessionMutex(session)) {
				WritePosition position = (WritePosition) session.getAttribute(ATTRIBUTE);
				if (position == null) {
					position = new WritePosition();
				}
				// Set again on every write: a replicated session (Spring Session) saves
				// attributes that were set, not objects changed in place.
				session.setAttribute(ATTRIBUTE, position);
				this.request.setAttribute(ATTRIBUTE, position);
				return position;
			}
		}

	}

}
