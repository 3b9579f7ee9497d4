package io.github.pgsqlrelation.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.github.pgsqlrelation.test.PostgresCluster;
import io.github.pgsqlrelation.test.PostgresNode;
import io.github.pgsqlrelation.test.RelationStateFiles;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes scoped to HTTP requests and sessions: the filter the
 * auto-configuration registers, around requests that write and read through the routing
 * of a real primary and a standby that replays 3 s late.
 */
class ReadYourWritesWebTests {

	private static PostgresCluster cluster;

	@TempDir
	static Path directory;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("pgsql.relation.state-file=" + directory.resolve("state.json"),
				"pgsql.relation.routing.read-your-writes=true", "pgsql.relation.routing.read-your-writes-wait=0");

	@BeforeAll
	static void startCluster() throws SQLException {
		cluster = PostgresCluster.builder().standbys(1).start();
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table note (id serial primary key, text varchar(100))");
		}
		cluster.awaitReplication();
		RelationStateFiles.writeResolved(directory.resolve("state.json"), cluster);
		PostgresNode standby = cluster.standbys().get(0);
		try (Connection connection = standby.connectAsSuperuser(); Statement statement = connection.createStatement()) {
			statement.execute("alter system set recovery_min_apply_delay = '3s'");
			statement.execute("select pg_reload_conf()");
		}
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void theSessionScopeCarriesAWriteToTheNextRequestOfTheSessionOnAnotherThread() {
		this.contextRunner.withPropertyValues("pgsql.relation.routing.read-your-writes-scope=session")
			.run((context) -> {
				Filter filter = context.getBean(Filter.class);
				Notes notes = new Notes(context.getBean(DataSource.class));
				MockHttpSession session = new MockHttpSession();
				int id = request(filter, session, notes::write);
				// A redirect after a form's POST: the next request, served by another
				// thread.
				Read sameSession = CompletableFuture.supplyAsync(() -> request(filter, session, () -> notes.read(id)))
					.get();
				Read otherSession = request(filter, new MockHttpSession(), () -> notes.read(id));
				assertThat(sameSession.found()).isTrue();
				assertThat(sameSession.port()).isEqualTo(cluster.primary().port());
				assertThat(otherSession.found()).as("another session reads the standby, 3 s late").isFalse();
				assertThat(otherSession.port()).isEqualTo(cluster.standbys().get(0).port());
			});
	}

	@Test
	void theSessionScopeCreatesTheSessionAtTheFirstWrite() {
		this.contextRunner.withPropertyValues("pgsql.relation.routing.read-your-writes-scope=session")
			.run((context) -> {
				Filter filter = context.getBean(Filter.class);
				Notes notes = new Notes(context.getBean(DataSource.class));
				MockHttpServletRequest first = new MockHttpServletRequest();
				int id = request(filter, first, notes::write);
				assertThat(first.getSession(false)).isNotNull();
				MockHttpServletRequest second = new MockHttpServletRequest();
				second.setSession(first.getSession(false));
				assertThat(request(filter, second, () -> notes.read(id)).found()).isTrue();
			});
	}

	@Test
	void theRequestScopeCoversTheRequestButNotTheSessionsNextRequest() {
		this.contextRunner.withPropertyValues("pgsql.relation.routing.read-your-writes-scope=request")
			.run((context) -> {
				Filter filter = context.getBean(Filter.class);
				Notes notes = new Notes(context.getBean(DataSource.class));
				MockHttpSession session = new MockHttpSession();
				Read sameRequest = request(filter, session, () -> notes.read(notes.write()));
				AtomicReference<Integer> id = new AtomicReference<>();
				request(filter, session, () -> id.getAndSet(notes.write()));
				Read nextRequest = request(filter, session, () -> notes.read(id.get()));
				assertThat(sameRequest.found()).isTrue();
				assertThat(nextRequest.found()).isFalse();
			});
	}

	@Test
	void noFilterWithTheThreadScopeWithoutReadYourWritesOrOutsideAWebApplication() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ReadYourWritesFilter.class));
		this.contextRunner
			.withPropertyValues("pgsql.relation.routing.read-your-writes=false",
					"pgsql.relation.routing.read-your-writes-scope=session")
			.run((context) -> assertThat(context).doesNotHaveBean(ReadYourWritesFilter.class));
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PgsqlRelationAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("pgsql.relation.state-file=" + directory.resolve("state.json"),
					"pgsql.relation.routing.read-your-writes=true",
					"pgsql.relation.routing.read-your-writes-scope=session")
			.run((context) -> assertThat(context).doesNotHaveBean(ReadYourWritesFilter.class));
	}

	@Test
	void theFilterRunsBeforeSecurityFilters() {
		this.contextRunner.withPropertyValues("pgsql.relation.routing.read-your-writes-scope=request")
			.run((context) -> assertThat(context.getBean(ReadYourWritesFilter.class).getOrder())
				.isLessThan(-100 /* Spring Security's filter chain */));
	}

	private static <T> T request(Filter filter, MockHttpSession session, Work<T> work) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setSession(session);
		return request(filter, request, work);
	}

	private static <T> T request(Filter filter, MockHttpServletRequest request, Work<T> work) {
		AtomicReference<T> result = new AtomicReference<>();
		FilterChain chain = (req, res) -> result.set(work.run());
		try {
			filter.doFilter(request, new MockHttpServletResponse(), chain);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return result.get();
	}

	@FunctionalInterface
	private interface Work<T> {

		T run();

	}

	/** What a controller does through a service: a write, or a read-only lookup. */
	private static final class Notes {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate writes;

		private final TransactionTemplate reads;

		Notes(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
			this.writes = new TransactionTemplate(transactions);
			this.reads = new TransactionTemplate(transactions);
			this.reads.setReadOnly(true);
		}

		int write() {
			return this.writes.execute((status) -> this.jdbc
				.queryForObject("insert into note (text) values ('from a request') returning id", Integer.class));
		}

		Read read(int id) {
			return this.reads.execute((status) -> this.jdbc.queryForObject(
					"select inet_server_port(), exists (select 1 from note where id = ?)",
					(rs, row) -> new Read(rs.getBoolean(2), rs.getInt(1)), id));
		}

	}

	private record Read(boolean found, int port) {

	}

}
