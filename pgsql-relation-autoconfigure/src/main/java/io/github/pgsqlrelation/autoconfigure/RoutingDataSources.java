package io.github.pgsqlrelation.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.github.pgsqlrelation.routing.RelationRoutingDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * Finds the routing behind the application's {@code DataSource} bean, which other
 * libraries (observability, p6spy, datasource-proxy) legitimately wrap: the starter's own
 * beans never ask for the bean's concrete type.
 */
public final class RoutingDataSources {

	private RoutingDataSources() {
	}

	/**
	 * Returns the routing DataSource behind the unique {@code DataSource} bean,
	 * unwrapping it as Spring Boot does ({@code isWrapperFor}/{@code unwrap}, Spring's
	 * delegating DataSources, AOP proxies).
	 * @param dataSource the {@code DataSource} beans
	 * @return the routing, {@code null} when there is no unique DataSource or it is not
	 * one
	 */
	public static @Nullable RelationRoutingDataSource find(ObjectProvider<DataSource> dataSource) {
		DataSource unique = dataSource.getIfUnique();
		if (unique == null) {
			return null;
		}
		RelationRoutingDataSource routing = DataSourceUnwrapper.unwrap(unique, RelationRoutingDataSource.class);
		return (routing != null) ? routing : unwrapClass(unique);
	}

	/**
	 * Spring Boot's unwrapper asks JDBC's {@code Wrapper} for interfaces only; proxies
	 * such as datasource-proxy's answer for a class too, by delegating to what they wrap.
	 */
	private static @Nullable RelationRoutingDataSource unwrapClass(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(RelationRoutingDataSource.class)
					? dataSource.unwrap(RelationRoutingDataSource.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

}
