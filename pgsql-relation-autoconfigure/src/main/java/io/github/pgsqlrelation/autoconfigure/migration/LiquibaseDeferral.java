package io.github.pgsqlrelation.autoconfigure.migration;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import javax.sql.DataSource;

import liquibase.exception.LiquibaseException;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.DirectFieldAccessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Runs each {@link SpringLiquibase} bean that updates the relation's {@code DataSource}
 * through {@link RelationMigrations}: its own run at initialization is turned off, and
 * the update runs right after, or once the relation has a master.
 */
final class LiquibaseDeferral implements BeanPostProcessor {

	static final String TOOL = "Liquibase";

	private final ObjectProvider<RelationMigrations> migrations;

	private final ObjectProvider<DataSource> relationDataSource;

	LiquibaseDeferral(ObjectProvider<RelationMigrations> migrations, ObjectProvider<DataSource> relationDataSource) {
		this.migrations = migrations;
		this.relationDataSource = relationDataSource;
	}

	/** The beans whose own run was turned off, to be run by this class. */
	private final Set<SpringLiquibase> turnedOff = Collections.newSetFromMap(new IdentityHashMap<>());

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase && isOurs(liquibase)) {
			liquibase.setShouldRun(false);
			synchronized (this.turnedOff) {
				this.turnedOff.add(liquibase);
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		boolean ours;
		synchronized (this.turnedOff) {
			ours = this.turnedOff.remove(bean);
		}
		if (ours) {
			SpringLiquibase liquibase = (SpringLiquibase) bean;
			String tool = (beanName.equals("liquibase")) ? TOOL : TOOL + " (" + beanName + ")";
			this.migrations.getObject().runOrDefer(tool, () -> update(liquibase));
		}
		return bean;
	}

	/**
	 * Whether the bean updates the relation's database and is meant to run: the
	 * application's {@code shouldRun=false} is left alone. SpringLiquibase has no getter
	 * for the flag, hence the field access.
	 */
	private boolean isOurs(SpringLiquibase liquibase) {
		return liquibase.getDataSource() == this.relationDataSource.getIfUnique()
				&& Boolean.TRUE.equals(new DirectFieldAccessor(liquibase).getPropertyValue("shouldRun"));
	}

	private static void update(SpringLiquibase liquibase) {
		liquibase.setShouldRun(true);
		try {
			liquibase.afterPropertiesSet();
		}
		catch (LiquibaseException ex) {
			throw new IllegalStateException("Liquibase update failed", ex);
		}
	}

}
